namespace TokenQuota.Extensions.AI;

/// <summary>Which guard refused a chat call.</summary>
public enum TokenQuotaRefusalReason
{
    /// <summary>The hourly or daily prompt limit (<see cref="IRateLimitPolicy.AcquirePromptAsync"/>).</summary>
    RateLimit,

    /// <summary>The monthly input or output token budget (<see cref="ITokenQuotaChecker.ReserveAsync"/>).</summary>
    TokenQuota,
}
