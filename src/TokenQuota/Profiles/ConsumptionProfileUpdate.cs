namespace TokenQuota;

/// <summary>A partial update of a profile: only the fields that are set change.</summary>
public sealed record ConsumptionProfileUpdate
{
    /// <summary>Gets the new name, or <see langword="null"/> to keep it.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the new description (which may be <see langword="null"/>), or unset to keep it.</summary>
    public Optional<string?> Description { get; init; }

    /// <summary>Gets the new prompts per hour, or <see langword="null"/> to keep it.</summary>
    public int? PromptsPerHour { get; init; }

    /// <summary>Gets the new prompts per day, or <see langword="null"/> to keep it.</summary>
    public int? PromptsPerDay { get; init; }

    /// <summary>Gets the new configuration changes per hour, or <see langword="null"/> to keep it.</summary>
    public int? ConfigChangesPerHour { get; init; }

    /// <summary>Gets the new monthly input-token limit (<see langword="null"/> = unlimited), or unset to keep it.</summary>
    public Optional<long?> InputTokensPerMonth { get; init; }

    /// <summary>Gets the new monthly output-token limit (<see langword="null"/> = unlimited), or unset to keep it.</summary>
    public Optional<long?> OutputTokensPerMonth { get; init; }

    /// <summary>
    /// Gets whether the profile is the default, or <see langword="null"/> to keep it. <see langword="true"/> unsets the
    /// previous default in the same transaction; <see langword="false"/> on the default leaves no default profile.
    /// </summary>
    public bool? IsDefault { get; init; }

    /// <summary>Gets whether the profile is active, or <see langword="null"/> to keep it. The default profile cannot be deactivated.</summary>
    public bool? IsActive { get; init; }

    /// <summary>Gets the new IANA time zone of the calendar, or <see langword="null"/> to keep it. It applies from the next window boundary.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Gets the new anchor day (1–31), or <see langword="null"/> to keep it. It applies from the next window boundary.</summary>
    public int? AnchorDay { get; init; }

    /// <summary>Gets the new day on which week windows start, or <see langword="null"/> to keep it. It applies from the next week boundary.</summary>
    public DayOfWeek? WeekStart { get; init; }

    /// <summary>Gets the new set of extra limits (replacing the old set; empty removes them all), or <see langword="null"/> to keep it.</summary>
    public IReadOnlyList<QuotaLimit>? Limits { get; init; }
}
