namespace TokenQuota;

/// <summary>
/// The length of a limit's window, aligned to the profile's <see cref="QuotaCalendar"/>: a window starts at a boundary
/// of the calendar (a local minute, hour or midnight; a week start; a month's or year's anchor day) and ends at the next.
/// </summary>
public enum QuotaWindow
{
    /// <summary>A local clock minute.</summary>
    Minute,

    /// <summary>A local clock hour (in a zone with a :30 or :45 offset it starts at :30 or :45 UTC).</summary>
    Hour,

    /// <summary>A local day, from midnight to midnight: 23 or 25 hours on a day when daylight saving time changes.</summary>
    Day,

    /// <summary>Seven local days from the calendar's week start (Monday unless set).</summary>
    Week,

    /// <summary>From the calendar's anchor day of one month to that day of the next, each clamped to its month's last day.</summary>
    Month,

    /// <summary>From the anchor day of one January to that day of the next.</summary>
    Year,
}
