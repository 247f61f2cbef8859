using System.Text.Json.Serialization;

namespace TokenQuota;

/// <summary>One token dimension in a <see cref="QuotaStatus"/>.</summary>
public sealed record QuotaTokenStatus
{
    /// <summary>Gets the monthly limit, or <see langword="null"/> when unlimited.</summary>
    [JsonPropertyName("limit")]
    public long? Limit { get; init; }

    /// <summary>Gets the tokens used this period.</summary>
    [JsonPropertyName("used")]
    public long Used { get; init; }

    /// <summary>Gets <c>max(0, limit − used − reserved)</c>, or <see langword="null"/> when unlimited.</summary>
    [JsonPropertyName("remaining")]
    public long? Remaining { get; init; }

    /// <summary>
    /// Gets <c>round(min(100, used / limit × 100), 1)</c>; 100 for a limit of 0 and 0 when unlimited.
    /// </summary>
    [JsonPropertyName("percentage_used")]
    public double PercentageUsed { get; init; }

    /// <summary>Gets tokens held by the user's live reservations (estimates of calls in flight), counted apart from <see cref="Used"/>.</summary>
    [JsonPropertyName("reserved")]
    public long Reserved { get; init; }

    /// <summary>Computes the figures of one dimension from its limit, usage and live reservations.</summary>
    /// <param name="limit">The limit, or <see langword="null"/> for unlimited.</param>
    /// <param name="used">The tokens used.</param>
    /// <param name="reserved">The tokens held by live reservations.</param>
    /// <returns>The figures.</returns>
    public static QuotaTokenStatus From(long? limit, long used, long reserved = 0)
    {
        if (limit is not { } l)
        {
            return new QuotaTokenStatus { Limit = null, Used = used, Reserved = reserved, Remaining = null, PercentageUsed = 0 };
        }

        var percentage = l == 0 ? 100.0 : Math.Round(Math.Min(100.0, (double)used / l * 100.0), 1);
        return new QuotaTokenStatus { Limit = l, Used = used, Reserved = reserved, Remaining = TokenQuotaRules.Remaining(l, used, reserved), PercentageUsed = percentage };
    }
}
