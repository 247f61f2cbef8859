namespace TokenQuota;

/// <summary>The names TokenQuota publishes its telemetry under, for OpenTelemetry and <c>dotnet-counters</c>.</summary>
public static class TokenQuotaDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/>: <c>TokenQuota</c>.</summary>
    public const string MeterName = "TokenQuota";

    /// <summary>
    /// The name of the <see cref="System.Diagnostics.ActivitySource"/>: <c>TokenQuota</c>, like the meter. Its spans are
    /// <c>tokenquota.acquire</c>, <c>tokenquota.check</c>, <c>tokenquota.reserve</c>, <c>tokenquota.commit</c>,
    /// <c>tokenquota.release</c> and <c>tokenquota.record</c> (see docs/operating.md for their attributes).
    /// </summary>
    public const string ActivitySourceName = "TokenQuota";

    /// <summary>Counter of token checks, tagged <c>tokenquota.result</c> = <c>allowed</c>, <c>denied</c> or <c>failed_open</c>.</summary>
    public const string ChecksInstrument = "tokenquota.checks";

    /// <summary>Counter of tokens recorded, unit <c>{token}</c>, tagged <c>tokenquota.token.type</c> = <c>input</c> or <c>output</c>.</summary>
    public const string TokensRecordedInstrument = "tokenquota.tokens.recorded";

    /// <summary>Counter of rate-limit decisions, tagged <c>tokenquota.result</c> and <c>tokenquota.rate_limit.kind</c> (<c>prompt</c> or <c>config_change</c>).</summary>
    public const string RateLimitDecisionsInstrument = "tokenquota.rate_limit.decisions";

    /// <summary>Counter of store failures, tagged <c>tokenquota.operation</c> and <c>tokenquota.failure_mode</c> (<c>fail_open</c> or <c>fail_closed</c>).</summary>
    public const string StoreFailuresInstrument = "tokenquota.store.failures";

    /// <summary>
    /// Counter of reservation events, tagged <c>tokenquota.result</c> = <c>reserved</c>, <c>denied</c>, <c>committed</c>,
    /// <c>committed_after_expiry</c>, <c>already_committed</c>, <c>released</c> or <c>failed_open</c>.
    /// </summary>
    public const string ReservationsInstrument = "tokenquota.reservations";

    /// <summary>
    /// Histogram of actual ÷ estimated tokens at each commit of a reservation (unit <c>1</c>), tagged
    /// <c>tokenquota.meter</c> = <c>input_tokens</c> or <c>output_tokens</c>; recorded only for a non-zero estimate.
    /// Values below 1 mean the estimator guesses high (users refused who had room); above 1, low (reservations overshoot).
    /// </summary>
    public const string EstimateAccuracyInstrument = "tokenquota.reservation.estimate_accuracy";

    /// <summary>Counter of tokens committed beyond a reservation's estimate, unit <c>{token}</c>, tagged <c>tokenquota.meter</c>.</summary>
    public const string OvershootInstrument = "tokenquota.reservation.overshoot";

    /// <summary>
    /// Counter of reservations the store forgot because their TTL passed before a commit or release (a sign of crashed
    /// or leaking callers), tagged <c>tokenquota.store</c>.
    /// </summary>
    public const string ExpiredReservationsInstrument = "tokenquota.reservations.expired";

    /// <summary>
    /// Counter of refusals, tagged with the binding limit: <c>tokenquota.limit.meter</c> (<c>prompts</c>,
    /// <c>config_changes</c>, <c>input_tokens</c>, <c>output_tokens</c>) and <c>tokenquota.limit.window</c>
    /// (<c>hour</c>, <c>day</c>, <c>month</c>).
    /// </summary>
    public const string RefusalsInstrument = "tokenquota.refusals";

    /// <summary>
    /// Histogram of the time the store took for each operation, unit <c>s</c>, tagged <c>tokenquota.operation</c>
    /// (<c>acquire</c>, <c>check</c>, <c>reserve</c>, <c>commit</c>, <c>release</c>, <c>record</c>, <c>status</c>) and
    /// <c>tokenquota.store</c> (<c>sqlite</c>, <c>postgresql</c>).
    /// </summary>
    public const string StoreDurationInstrument = "tokenquota.store.duration";
}

