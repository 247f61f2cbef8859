namespace TokenQuota.AspNetCore;

/// <summary>The tokens an endpoint guarded by <c>RequireTokenQuota()</c> expects one call to use; they are reserved before it runs.</summary>
/// <param name="InputTokens">The expected input tokens (≥ 0).</param>
/// <param name="OutputTokens">The expected output tokens (≥ 0), for example the request's maximum output.</param>
public readonly record struct TokenEstimate(long InputTokens, long OutputTokens)
{
    /// <summary>
    /// Gets the model the call is for, or <see langword="null"/>: the profile's extra limits with a model filter apply
    /// only to calls for a matching model (<see cref="QuotaReservationOptions.ModelId"/>).
    /// </summary>
    public string? ModelId { get; init; }
}
