using System.Globalization;

namespace TokenQuota;

/// <summary>
/// The calendar a profile's windows follow: an IANA time zone (UTC by default), the day of the month on which month and
/// year windows start (1 to 31, clamped to a shorter month's last day), and the day a week starts (Monday by default).
/// Day and longer windows start at local midnight, or at the first instant of the day where midnight is skipped.
/// </summary>
/// <remarks>
/// Bounds are exact instants: a window's <see cref="QuotaWindowBounds.End"/> is the next window's start, so windows
/// never overlap and never leave a gap, whatever the zone's daylight saving time does.
/// </remarks>
public sealed record QuotaCalendar
{
    /// <summary>The calendar of the seed: UTC, months from the 1st, weeks from Monday.</summary>
    public static readonly QuotaCalendar Default = new();

    /// <summary>The id of the default time zone, <c>UTC</c>.</summary>
    public const string UtcId = "UTC";

    private readonly TimeZoneInfo zone;

    /// <summary>Creates a calendar.</summary>
    /// <param name="timeZoneId">An IANA time zone id such as <c>Europe/Paris</c>; <see langword="null"/> or <c>UTC</c> for UTC.</param>
    /// <param name="anchorDay">The day of the month on which month and year windows start, 1 to 31.</param>
    /// <param name="weekStart">The first day of a week window.</param>
    /// <exception cref="ArgumentOutOfRangeException">The anchor day is outside 1–31, or the week start is not a day.</exception>
    /// <exception cref="ArgumentException">The time zone id is empty or unknown.</exception>
    public QuotaCalendar(string? timeZoneId = UtcId, int anchorDay = 1, DayOfWeek weekStart = DayOfWeek.Monday)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(anchorDay, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(anchorDay, 31);
        if (!Enum.IsDefined(weekStart))
        {
            throw new ArgumentOutOfRangeException(nameof(weekStart), weekStart, "The week start must be a day of the week.");
        }

        zone = FindZone(timeZoneId ?? UtcId);
        TimeZoneId = timeZoneId ?? UtcId;
        AnchorDay = anchorDay;
        WeekStart = weekStart;
    }

    /// <summary>Gets the IANA time zone id.</summary>
    public string TimeZoneId { get; }

    /// <summary>Gets the day of the month on which month and year windows start, 1 to 31.</summary>
    public int AnchorDay { get; }

    /// <summary>Gets the first day of a week window.</summary>
    public DayOfWeek WeekStart { get; }

    /// <summary>Whether this is the seed's calendar, whose month windows are keyed <c>YYYY-MM</c>.</summary>
    public bool IsDefault => AnchorDay == 1 && zone.BaseUtcOffset == TimeSpan.Zero && !zone.SupportsDaylightSavingTime;

    /// <summary>Gets the window of kind <paramref name="window"/> that contains <paramref name="instant"/>.</summary>
    /// <param name="window">The kind of window.</param>
    /// <param name="instant">Any instant.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not a defined window.</exception>
    public QuotaWindowBounds GetWindow(QuotaWindow window, DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        switch (window)
        {
            case QuotaWindow.Minute:
            case QuotaWindow.Hour:
                return Clock(window, local);
            case QuotaWindow.Day:
                return Days(window, DateOnly.FromDateTime(local.DateTime), 1);
            case QuotaWindow.Week:
                var today = DateOnly.FromDateTime(local.DateTime);
                return Days(window, today.AddDays(-(((int)today.DayOfWeek - (int)WeekStart + 7) % 7)), 7);
            case QuotaWindow.Month:
                return Anchored(window, DateOnly.FromDateTime(local.DateTime), months: 1);
            case QuotaWindow.Year:
                return Anchored(window, DateOnly.FromDateTime(local.DateTime), months: 12);
            default:
                throw new ArgumentOutOfRangeException(nameof(window), window, "Unknown window.");
        }
    }

    /// <summary>Why <paramref name="id"/> is not a time zone this calendar accepts, or <see langword="null"/> if it is one.</summary>
    internal static string? TimeZoneProblem(string id)
    {
        try
        {
            FindZone(id);
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message.Split(" (Parameter")[0];
        }
    }

    private static TimeZoneInfo FindZone(string id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException("The time zone id is empty; use an IANA id such as \"Europe/Paris\", or \"UTC\".", nameof(id));
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException($"Unknown time zone '{id}'; use an IANA id such as \"Europe/Paris\", or \"UTC\".", nameof(id), ex);
        }
    }

    /// <summary>
    /// A local clock minute or hour. Where the offset changes inside it (a half-hour daylight saving shift, a :45 zone),
    /// the window is cut at the change, as a local day is, so consecutive windows still meet exactly.
    /// </summary>
    private QuotaWindowBounds Clock(QuotaWindow window, DateTimeOffset local)
    {
        var unit = window == QuotaWindow.Minute ? TimeSpan.TicksPerMinute : TimeSpan.TicksPerHour;
        var clock = local.DateTime;
        var start = new DateTimeOffset(clock.AddTicks(-(clock.Ticks % unit)), local.Offset);
        var end = start.AddTicks(unit);
        if (zone.GetUtcOffset(start) != local.Offset)
        {
            start = OffsetChange(start, local);
        }

        if (zone.GetUtcOffset(end.AddTicks(-1)) != local.Offset)
        {
            end = OffsetChange(local, end.AddTicks(-1));
        }

        return new QuotaWindowBounds(window, start, end, start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture));
    }

    /// <summary>The first instant in (<paramref name="before"/>, <paramref name="after"/>] whose offset is <paramref name="after"/>'s.</summary>
    private DateTimeOffset OffsetChange(DateTimeOffset before, DateTimeOffset after)
    {
        var offset = zone.GetUtcOffset(after);
        long low = before.UtcTicks, high = after.UtcTicks;
        while (high - low > 1)
        {
            var middle = low + ((high - low) / 2);
            if (zone.GetUtcOffset(new DateTimeOffset(middle, TimeSpan.Zero)) == offset)
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }

        return new DateTimeOffset(high, TimeSpan.Zero).ToOffset(offset);
    }

    private QuotaWindowBounds Days(QuotaWindow window, DateOnly first, int days) =>
        new(window, StartOfDay(first), StartOfDay(first.AddDays(days)), DateKey(first));

    private QuotaWindowBounds Anchored(QuotaWindow window, DateOnly today, int months)
    {
        // The anchor of the period that today's month (or January) opens; before it, the previous period's.
        var opening = AnchorIn(today.Year, months == 12 ? 1 : today.Month);
        if (today < opening)
        {
            var earlier = new DateOnly(opening.Year, opening.Month, 1).AddMonths(-months);
            opening = AnchorIn(earlier.Year, earlier.Month);
        }

        var following = new DateOnly(opening.Year, opening.Month, 1).AddMonths(months);
        var key = window == QuotaWindow.Month && IsDefault
            ? opening.ToString("yyyy-MM", CultureInfo.InvariantCulture)
            : DateKey(opening);
        return new QuotaWindowBounds(window, StartOfDay(opening), StartOfDay(AnchorIn(following.Year, following.Month)), key);
    }

    private DateOnly AnchorIn(int year, int month) => new(year, month, Math.Min(AnchorDay, DateTime.DaysInMonth(year, month)));

    private static string DateKey(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The first instant of a local date: midnight, its earlier occurrence if repeated, or the end of a gap that skips it.</summary>
    private DateTimeOffset StartOfDay(DateOnly date)
    {
        var midnight = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        if (zone.IsAmbiguousTime(midnight))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(midnight);
            return new DateTimeOffset(midnight, offsets.Max());
        }

        var local = midnight;
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
