using System.Text.Json.Serialization;

namespace TokenQuota;

/// <summary>
/// A consumption profile: a reusable set of limits that admins assign to users. Serializes to the seed's JSON shape
/// (<c>id, name, description, prompts_per_hour, …, user_count</c>).
/// </summary>
public sealed record ConsumptionProfile
{
    /// <summary>Gets the profile id, assigned by the store.</summary>
    [JsonPropertyName("id")]
    public long Id { get; init; }

    /// <summary>Gets the unique name (trimmed, 1–100 characters, unique ignoring case).</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Gets the free-text description, if any.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>Gets how many prompts a user may send per hour.</summary>
    [JsonPropertyName("prompts_per_hour")]
    public int PromptsPerHour { get; init; }

    /// <summary>Gets how many prompts a user may send per day.</summary>
    [JsonPropertyName("prompts_per_day")]
    public int PromptsPerDay { get; init; }

    /// <summary>Gets how many configuration changes a user may make per hour.</summary>
    [JsonPropertyName("config_changes_per_hour")]
    public int ConfigChangesPerHour { get; init; }

    /// <summary>Gets the monthly input-token limit; <see langword="null"/> means unlimited.</summary>
    [JsonPropertyName("input_tokens_per_month")]
    public long? InputTokensPerMonth { get; init; }

    /// <summary>Gets the monthly output-token limit; <see langword="null"/> means unlimited.</summary>
    [JsonPropertyName("output_tokens_per_month")]
    public long? OutputTokensPerMonth { get; init; }

    /// <summary>
    /// Gets the IANA time zone of the profile's calendar (default <c>UTC</c>): day and longer windows of its extra limits
    /// start at local midnight there.
    /// </summary>
    [JsonPropertyName("time_zone")]
    public string TimeZone { get; init; } = QuotaCalendar.UtcId;

    /// <summary>Gets the day of the month (1–31, clamped to the month's last day) on which month and year windows of its extra limits start.</summary>
    [JsonPropertyName("anchor_day")]
    public int AnchorDay { get; init; } = 1;

    /// <summary>Gets the day on which week windows of its extra limits start (default Monday), written <c>"monday"</c> … <c>"sunday"</c>.</summary>
    [JsonPropertyName("week_start")]
    [JsonConverter(typeof(WeekStartJsonConverter))]
    public DayOfWeek WeekStart { get; init; } = DayOfWeek.Monday;

    /// <summary>
    /// Gets the profile's limits beyond the five standard ones (per model, per minute, in flight, …), each unique by
    /// meter, window and model; empty when the profile has only the standard limits.
    /// </summary>
    [JsonPropertyName("limits")]
    public IReadOnlyList<QuotaLimit> Limits { get; init; } = [];

    /// <summary>Gets the calendar that <see cref="TimeZone"/>, <see cref="AnchorDay"/> and <see cref="WeekStart"/> describe.</summary>
    [JsonIgnore]
    public QuotaCalendar Calendar => new(TimeZone, AnchorDay, WeekStart);

    /// <summary>Gets whether this is the default profile, used by every user without an active assignment.</summary>
    [JsonPropertyName("is_default")]
    public bool IsDefault { get; init; }

    /// <summary>Gets whether the profile is active. Users assigned to an inactive profile fall back to the default.</summary>
    [JsonPropertyName("is_active")]
    public bool IsActive { get; init; } = true;

    /// <summary>Gets when the profile was created (UTC).</summary>
    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the profile was last changed (UTC).</summary>
    [JsonPropertyName("updated_at")]
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets how many users are explicitly assigned to the profile (users who get it as the default are not counted).</summary>
    [JsonPropertyName("user_count")]
    public long UserCount { get; init; }
}
