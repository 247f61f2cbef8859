using System.Text.Json.Serialization;

namespace TokenQuota;

/// <summary>
/// Where one extra limit of the user's profile stands (an entry of <see cref="QuotaStatus.Limits"/>): its meter, window
/// and model, its amount, what is used and held, and when its count next falls.
/// </summary>
public sealed record QuotaLimitStatus
{
    /// <summary>Gets the subject level the limit belongs to: <c>user</c> (the user's own profile), <c>team</c> or <c>organisation</c>.</summary>
    [JsonPropertyName("level")]
    public string Level { get; init; } = "user";

    /// <summary>Gets the name of the team or organisation the limit belongs to; <see langword="null"/> for the user's own limits.</summary>
    [JsonPropertyName("subject")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subject { get; init; }

    /// <summary>Gets the meter, as written in a limit (<c>total_tokens</c>, <c>prompts</c>, <c>in_flight</c>, …).</summary>
    [JsonPropertyName("meter")]
    public required string Meter { get; init; }

    /// <summary>Gets the window (<c>minute</c> … <c>year</c>), or <see langword="null"/> for <c>in_flight</c>.</summary>
    [JsonPropertyName("window")]
    public string? Window { get; init; }

    /// <summary>Gets the model filter (<c>gpt-4o*</c>), or <see langword="null"/> when the limit applies to every model.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; init; }

    /// <summary>Gets the window algorithm: <c>fixed_window</c>, <c>token_bucket</c> or <c>sliding_window</c>.</summary>
    [JsonPropertyName("algorithm")]
    public required string Algorithm { get; init; }

    /// <summary>Gets the amount, or <see langword="null"/> when unlimited.</summary>
    [JsonPropertyName("limit")]
    public long? Limit { get; init; }

    /// <summary>Gets the units counted in the current window (for a token bucket, the capacity in use).</summary>
    [JsonPropertyName("used")]
    public long Used { get; init; }

    /// <summary>Gets the units live reservations hold against the limit.</summary>
    [JsonPropertyName("reserved")]
    public long Reserved { get; init; }

    /// <summary>Gets the units left (never negative), or <see langword="null"/> when unlimited.</summary>
    [JsonPropertyName("remaining")]
    public long? Remaining { get; init; }

    /// <summary>Gets used and reserved as a percentage of the amount, rounded to 0.1 and capped at 100 (a limit of 0 reads 100, an unlimited one 0).</summary>
    [JsonPropertyName("percentage_used")]
    public double PercentageUsed { get; init; }

    /// <summary>Gets when the count next falls (the window's end, a bucket full again, a log entry's expiry), or <see langword="null"/> when unknown.</summary>
    [JsonPropertyName("resets_at")]
    public DateTimeOffset? ResetsAt { get; init; }

    /// <summary>
    /// Gets the ISO 4217 currency of a <c>cost</c> limit, whose figures are nano-units of it (10⁻⁹ of the currency);
    /// <see langword="null"/> for every other meter.
    /// </summary>
    [JsonPropertyName("currency")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Currency { get; init; }
}
