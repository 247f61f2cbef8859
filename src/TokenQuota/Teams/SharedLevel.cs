namespace TokenQuota;

/// <summary>
/// A level above the user that a request also meets: the user's team or its organisation, with the limits its profile
/// gives (its standard limits and its extra ones), charged under the subject's own counters so that every member's
/// request draws on the same budget. A level without a profile still counts its monthly tokens (for reports) without
/// limiting them.
/// </summary>
internal sealed class SharedLevel
{
    public SharedLevel(QuotaSubjectLevel level, long id, string name, ConsumptionProfile? profile)
    {
        Level = level;
        Subject = SubjectNames.CounterSubject(level, id);
        Name = name;
        Profile = profile;
        Limits = profile is null
            ? [new QuotaLimit(QuotaMeter.InputTokens, QuotaWindow.Month, null), new QuotaLimit(QuotaMeter.OutputTokens, QuotaWindow.Month, null)]
            : [.. StandardLimits.Of(profile), .. profile.Limits];
        Calendar = profile?.Calendar ?? QuotaCalendar.Default;
    }

    /// <summary>Gets whether this is a team or an organisation.</summary>
    public QuotaSubjectLevel Level { get; }

    /// <summary>Gets the id the store keeps the level's counters and holds under.</summary>
    public string Subject { get; }

    /// <summary>Gets the team's or organisation's name, for messages and status.</summary>
    public string Name { get; }

    /// <summary>Gets the level's active profile, or <see langword="null"/> for none.</summary>
    public ConsumptionProfile? Profile { get; }

    /// <summary>Gets the limits of the level: the profile's standard and extra limits.</summary>
    public IReadOnlyList<QuotaLimit> Limits { get; }

    /// <summary>Gets the calendar of the level's profile.</summary>
    public QuotaCalendar Calendar { get; }
}
