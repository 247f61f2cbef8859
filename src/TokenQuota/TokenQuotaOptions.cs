namespace TokenQuota;

/// <summary>Options of TokenQuota, configured through <c>services.AddTokenQuotas(o =&gt; …)</c> and validated at start.</summary>
public sealed class TokenQuotaOptions
{
    /// <summary>Gets or sets what happens when the store fails. Defaults to <see cref="FailureMode.FailClosed"/>.</summary>
    public FailureMode FailureMode { get; set; } = FailureMode.FailClosed;

    /// <summary>Gets the rate-limit settings: whether they are enforced, the emergency override and the system defaults.</summary>
    public RateLimitOptions RateLimits { get; } = new();

    /// <summary>
    /// Gets or sets the most user ids whose profile assignment is cached in memory. The cache is dropped whenever
    /// any process changes a profile or an assignment (the store keeps a version stamp), so this only bounds memory.
    /// Defaults to 100,000; 0 disables the per-user cache.
    /// </summary>
    public int MaxCachedAssignments { get; set; } = 100_000;

    /// <summary>
    /// Gets or sets whether TokenQuota's spans carry the user id (attribute <c>user.id</c>). Off by default: a user id
    /// is personal data and an unbounded value, so a host opts in only when its tracing backend may hold it.
    /// </summary>
    public bool IncludeUserIdInTraces { get; set; }
}
