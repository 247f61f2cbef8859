namespace TokenQuota.AspNetCore;

/// <summary>The <see cref="ITokenQuotaFeature"/> set by the endpoint filter.</summary>
internal sealed class TokenQuotaFeature(string userId, TokenEstimate estimate, RateLimitDecision rateLimit) : ITokenQuotaFeature
{
    public string UserId { get; } = userId;

    public TokenEstimate Estimate { get; } = estimate;

    public RateLimitDecision RateLimit { get; } = rateLimit;

    public TokenEstimate? ReportedUsage { get; private set; }

    public void ReportUsage(long inputTokens, long outputTokens)
    {
        TokenCounts.Validate(inputTokens);
        TokenCounts.Validate(outputTokens);
        ReportedUsage = new TokenEstimate(inputTokens, outputTokens);
    }
}
