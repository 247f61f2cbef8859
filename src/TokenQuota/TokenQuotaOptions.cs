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

    /// <summary>
    /// Gets or sets the installation's currency, an ISO 4217 code: cost limits and prices are amounts of it. Defaults to
    /// <c>USD</c>.
    /// </summary>
    public string Currency { get; set; } = "USD";

    /// <summary>
    /// Gets or sets what a cost limit does with a call whose model has no price in the catalogue. Defaults to
    /// <see cref="UnpricedModelPolicy.Refuse"/>.
    /// </summary>
    public UnpricedModelPolicy UnpricedModels { get; set; } = UnpricedModelPolicy.Refuse;

    /// <summary>Gets or sets the price of a million input tokens of an unpriced model under <see cref="UnpricedModelPolicy.FallbackPrice"/>.</summary>
    public decimal FallbackInputPricePerMillion { get; set; }

    /// <summary>Gets or sets the price of a million output tokens of an unpriced model under <see cref="UnpricedModelPolicy.FallbackPrice"/>.</summary>
    public decimal FallbackOutputPricePerMillion { get; set; }
}
