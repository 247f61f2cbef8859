namespace TokenQuota;

/// <summary>The names TokenQuota publishes its telemetry under, for OpenTelemetry and <c>dotnet-counters</c>.</summary>
public static class TokenQuotaDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/>: <c>TokenQuota</c>.</summary>
    public const string MeterName = "TokenQuota";

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
}

