namespace TokenQuota.Relational;

/// <summary>
/// A stored consumption profile in the flat shape SQL returns (times as Unix milliseconds), for store implementations
/// that read with Dapper. Alias the columns to these property names.
/// </summary>
internal sealed class ProfileRow
{
    /// <summary>Gets or sets the id.</summary>
    public long Id { get; set; }

    /// <summary>Gets or sets the name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the description.</summary>
    public string? Description { get; set; }

    /// <summary>Gets or sets the prompts per hour.</summary>
    public long PromptsPerHour { get; set; }

    /// <summary>Gets or sets the prompts per day.</summary>
    public long PromptsPerDay { get; set; }

    /// <summary>Gets or sets the configuration changes per hour.</summary>
    public long ConfigChangesPerHour { get; set; }

    /// <summary>Gets or sets the monthly input-token limit (<see langword="null"/> = unlimited).</summary>
    public long? InputTokensPerMonth { get; set; }

    /// <summary>Gets or sets the monthly output-token limit (<see langword="null"/> = unlimited).</summary>
    public long? OutputTokensPerMonth { get; set; }

    /// <summary>Gets or sets whether it is the default profile.</summary>
    public string TimeZone { get; set; } = QuotaCalendar.UtcId;

    public long AnchorDay { get; set; } = 1;

    /// <summary>Gets or sets the day weeks start on, as <see cref="DayOfWeek"/>'s number (Sunday 0, Monday 1).</summary>
    public long WeekStart { get; set; } = (long)DayOfWeek.Monday;

    /// <summary>The extra limits, one per line in <see cref="QuotaLimit"/>'s text form.</summary>
    public string Limits { get; set; } = string.Empty;

    public bool IsDefault { get; set; }

    /// <summary>Gets or sets whether it is active.</summary>
    public bool IsActive { get; set; }

    /// <summary>Gets or sets the creation time in Unix milliseconds.</summary>
    public long CreatedAt { get; set; }

    /// <summary>Gets or sets the last change time in Unix milliseconds.</summary>
    public long UpdatedAt { get; set; }

    /// <summary>Gets or sets the count of explicitly assigned users.</summary>
    public long UserCount { get; set; }

    /// <summary>Creates the row that stores <paramref name="profile"/>.</summary>
    /// <param name="profile">The profile.</param>
    /// <returns>The row.</returns>
    public static ProfileRow From(ConsumptionProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new ProfileRow
        {
            Id = profile.Id,
            Name = profile.Name,
            Description = profile.Description,
            PromptsPerHour = profile.PromptsPerHour,
            PromptsPerDay = profile.PromptsPerDay,
            ConfigChangesPerHour = profile.ConfigChangesPerHour,
            InputTokensPerMonth = profile.InputTokensPerMonth,
            OutputTokensPerMonth = profile.OutputTokensPerMonth,
            TimeZone = profile.TimeZone,
            AnchorDay = profile.AnchorDay,
            WeekStart = (long)profile.WeekStart,
            Limits = string.Join('\n', profile.Limits),
            IsDefault = profile.IsDefault,
            IsActive = profile.IsActive,
            CreatedAt = profile.CreatedAt.ToUnixTimeMilliseconds(),
            UpdatedAt = profile.UpdatedAt.ToUnixTimeMilliseconds(),
            UserCount = profile.UserCount,
        };
    }

    /// <summary>Converts the row to the model.</summary>
    /// <returns>The profile.</returns>
    public ConsumptionProfile ToProfile() => new()
    {
        Id = Id,
        Name = Name,
        Description = Description,
        PromptsPerHour = checked((int)PromptsPerHour),
        PromptsPerDay = checked((int)PromptsPerDay),
        ConfigChangesPerHour = checked((int)ConfigChangesPerHour),
        InputTokensPerMonth = InputTokensPerMonth,
        OutputTokensPerMonth = OutputTokensPerMonth,
        TimeZone = TimeZone,
        AnchorDay = checked((int)AnchorDay),
        WeekStart = (DayOfWeek)checked((int)WeekStart),
        Limits = Limits.Length == 0 ? [] : [.. Limits.Split('\n').Select(QuotaLimit.Parse)],
        IsDefault = IsDefault,
        IsActive = IsActive,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt),
        UserCount = UserCount,
    };
}
