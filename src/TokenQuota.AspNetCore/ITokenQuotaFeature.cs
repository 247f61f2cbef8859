namespace TokenQuota.AspNetCore;

/// <summary>
/// Set on <c>HttpContext.Features</c> by <c>RequireTokenQuota()</c> while its endpoint runs: the held reservation, the
/// rate-limit decision, and a way to report the actual usage.
/// </summary>
public interface ITokenQuotaFeature
{
    /// <summary>Gets the id of the user the quota is kept for, read from the configured claim.</summary>
    string UserId { get; }

    /// <summary>Gets the estimate that was reserved.</summary>
    TokenEstimate Estimate { get; }

    /// <summary>Gets the prompt rate-limit decision that admitted the call.</summary>
    RateLimitDecision RateLimit { get; }

    /// <summary>Gets the usage reported so far with <see cref="ReportUsage"/>, or <see langword="null"/>.</summary>
    TokenEstimate? ReportedUsage { get; }

    /// <summary>
    /// Reports the tokens the call actually used; the filter commits them when the endpoint returns. Calling it again
    /// replaces the earlier report. Without a report (from here or an <see cref="ITokenUsageReport"/> result) the
    /// estimate is committed.
    /// </summary>
    /// <param name="inputTokens">The input tokens used (≥ 0).</param>
    /// <param name="outputTokens">The output tokens used (≥ 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or above <see cref="TokenCounts.MaxPerCall"/>.</exception>
    void ReportUsage(long inputTokens, long outputTokens);
}
