namespace TokenQuota;

/// <summary>What a limit counts.</summary>
public enum QuotaMeter
{
    /// <summary>Prompts sent (<c>prompts</c>).</summary>
    Prompts,

    /// <summary>Configuration changes made (<c>config_changes</c>).</summary>
    ConfigChanges,

    /// <summary>Input tokens (<c>input_tokens</c>).</summary>
    InputTokens,

    /// <summary>Output tokens (<c>output_tokens</c>).</summary>
    OutputTokens,

    /// <summary>Input plus output tokens (<c>total_tokens</c>).</summary>
    TotalTokens,

    /// <summary>Requests in flight: live reservations (<c>in_flight</c>); a limit on it has no window.</summary>
    InFlight,

    /// <summary>
    /// Money spent (<c>cost</c>), priced from the catalogue at the time of the usage; amounts in nano-units of the
    /// installation's currency, written in the currency in a limit's text (<c>cost/month=25.00</c>).
    /// </summary>
    Cost,
}
