namespace TokenQuota;

/// <summary>
/// Which models a limit applies to: an exact model id (<c>gpt-4o</c>) or a prefix ending in <c>*</c> (<c>gpt-4o*</c>),
/// compared ignoring case. A limit without a filter applies to every model.
/// </summary>
public sealed record ModelFilter
{
    /// <summary>The longest filter accepted.</summary>
    public const int MaxLength = 200;

    /// <summary>Creates a filter.</summary>
    /// <param name="pattern">An exact model id, or a prefix followed by a single trailing <c>*</c>.</param>
    /// <exception cref="ArgumentException">The pattern is empty, too long, holds whitespace or control characters, or a <c>*</c> anywhere but at its end.</exception>
    public ModelFilter(string pattern)
    {
        if (Problem(pattern) is { } problem)
        {
            throw new ArgumentException(problem, nameof(pattern));
        }

        Pattern = pattern;
    }

    /// <summary>Gets the pattern as written.</summary>
    public string Pattern { get; }

    /// <summary>Gets whether the pattern is a prefix (ends in <c>*</c>).</summary>
    public bool IsPrefix => Pattern.EndsWith('*');

    /// <summary>Whether the filter applies to <paramref name="modelId"/>; a request without a model matches no filter.</summary>
    /// <param name="modelId">The request's model id, or <see langword="null"/>.</param>
    public bool Matches(string? modelId) =>
        modelId is not null && (IsPrefix
            ? modelId.StartsWith(Pattern.AsSpan(0, Pattern.Length - 1), StringComparison.OrdinalIgnoreCase)
            : string.Equals(modelId, Pattern, StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc />
    public bool Equals(ModelFilter? other) => other is not null && string.Equals(Pattern, other.Pattern, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Pattern);

    /// <inheritdoc />
    public override string ToString() => Pattern;

    /// <summary>Why <paramref name="pattern"/> is not a filter, or <see langword="null"/> if it is one.</summary>
    internal static string? Problem(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern) || pattern == "*")
        {
            return "The model filter is empty; omit it to apply the limit to every model, or give a model id or a prefix ending in '*'.";
        }

        if (pattern.Length > MaxLength)
        {
            return $"The model filter is {pattern.Length} characters long; at most {MaxLength} are allowed.";
        }

        if (pattern.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return $"The model filter '{pattern}' holds whitespace or a control character.";
        }

        return pattern.IndexOf('*') is var star && star >= 0 && star != pattern.Length - 1
            ? $"The model filter '{pattern}' has a '*' before its end; only a trailing '*' (a prefix) is allowed."
            : null;
    }
}
