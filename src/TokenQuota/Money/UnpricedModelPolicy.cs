namespace TokenQuota;

/// <summary>What a cost limit does with a call whose model the price catalogue does not price.</summary>
public enum UnpricedModelPolicy
{
    /// <summary>Refuse the call while a cost limit applies to it (the default: an unknown cost is never let through a budget).</summary>
    Refuse,

    /// <summary>Charge the fallback price of <see cref="TokenQuotaOptions.FallbackInputPricePerMillion"/> and <see cref="TokenQuotaOptions.FallbackOutputPricePerMillion"/>.</summary>
    FallbackPrice,

    /// <summary>Charge nothing, and count the call in the <c>tokenquota.unpriced_calls</c> metric.</summary>
    Free,
}
