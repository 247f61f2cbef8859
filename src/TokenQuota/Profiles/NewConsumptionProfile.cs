namespace TokenQuota;

/// <summary>The fields of a profile to create. Omitted fields take the seed's defaults.</summary>
public sealed record NewConsumptionProfile
{
    /// <summary>Gets the name: trimmed, 1–100 characters, unique ignoring case.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the description, if any.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the prompts per hour (non-negative). Defaults to 100.</summary>
    public int PromptsPerHour { get; init; } = 100;

    /// <summary>Gets the prompts per day (non-negative). Defaults to 1000.</summary>
    public int PromptsPerDay { get; init; } = 1000;

    /// <summary>Gets the configuration changes per hour (non-negative). Defaults to 10.</summary>
    public int ConfigChangesPerHour { get; init; } = 10;

    /// <summary>Gets the monthly input-token limit: <see langword="null"/> (the default) for unlimited, otherwise ≥ 0.</summary>
    public long? InputTokensPerMonth { get; init; }

    /// <summary>Gets the monthly output-token limit: <see langword="null"/> (the default) for unlimited, otherwise ≥ 0.</summary>
    public long? OutputTokensPerMonth { get; init; }

    /// <summary>Gets whether the new profile becomes the default (the previous default is unset in the same transaction).</summary>
    public bool IsDefault { get; init; }

    /// <summary>Gets whether the new profile is active. Defaults to <see langword="true"/>.</summary>
    public bool IsActive { get; init; } = true;

    /// <summary>Gets the IANA time zone of the profile's calendar; default <c>UTC</c>.</summary>
    public string TimeZone { get; init; } = QuotaCalendar.UtcId;

    /// <summary>Gets the day of the month (1–31) on which month and year windows start; default 1.</summary>
    public int AnchorDay { get; init; } = 1;

    /// <summary>Gets the day on which week windows start; default Monday.</summary>
    public DayOfWeek WeekStart { get; init; } = DayOfWeek.Monday;

    /// <summary>Gets the limits beyond the five standard ones; default none.</summary>
    public IReadOnlyList<QuotaLimit> Limits { get; init; } = [];
}
