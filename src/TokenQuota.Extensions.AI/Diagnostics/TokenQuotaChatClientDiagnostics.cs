namespace TokenQuota.Extensions.AI;

/// <summary>
/// The instruments <see cref="TokenQuotaChatClient"/> adds to the <see cref="TokenQuotaDiagnostics.MeterName"/>
/// (<c>TokenQuota</c>) meter, beside the core's reservation and token counters.
/// </summary>
public static class TokenQuotaChatClientDiagnostics
{
    /// <summary>
    /// Counter of chat calls whose charge was (partly) estimated because the provider did not report usage, tagged
    /// <c>tokenquota.chat.reason</c> = <c>no_usage</c> (the response or stream carried no usage),
    /// <c>partial_usage</c> (one count was missing) or <c>interrupted</c> (a stream that ended early), and
    /// <c>tokenquota.chat.streaming</c> = <see langword="true"/> or <see langword="false"/>.
    /// </summary>
    public const string UsageEstimatedInstrument = "tokenquota.chat.usage_estimated";

    /// <summary>
    /// Counter of chat calls refused before the model was called, tagged <c>tokenquota.chat.reason</c> =
    /// <c>rate_limit</c> or <c>token_quota</c>.
    /// </summary>
    public const string RefusalsInstrument = "tokenquota.chat.refusals";

    /// <summary>Counter of requests whose <c>MaxOutputTokens</c> was lowered to the remaining output allowance.</summary>
    public const string ClampedInstrument = "tokenquota.chat.clamped";
}
