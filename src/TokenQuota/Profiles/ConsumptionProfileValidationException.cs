namespace TokenQuota;

/// <summary>
/// A profile payload is invalid: an empty, over-long or malformed name, a negative rate or token limit. Carries the
/// errors of each field, keyed by the field's JSON name (HTTP hosts map it to a 400 ProblemDetails).
/// </summary>
public sealed class ConsumptionProfileValidationException : TokenQuotaException
{
    /// <summary>Creates the exception from the errors of each field.</summary>
    /// <param name="errors">Field name (for example <c>prompts_per_hour</c>) to its error messages.</param>
    public ConsumptionProfileValidationException(IReadOnlyDictionary<string, string[]> errors)
        : base(BuildMessage(errors))
    {
        Errors = errors;
    }

    /// <summary>Gets the error messages of each invalid field, keyed by the field's JSON name.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    private static string BuildMessage(IReadOnlyDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return "Invalid consumption profile: " + string.Join(" ", errors.SelectMany(e => e.Value));
    }
}
