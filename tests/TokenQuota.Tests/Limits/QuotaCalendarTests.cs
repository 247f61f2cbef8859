using NodaTime;

namespace TokenQuota.Tests.Limits;

/// <summary>
/// Calendar windows: exact bounds in every zone, checked against NodaTime (an independent implementation of the time
/// zone rules and the date arithmetic) over many generated instants, and at the named edges.
/// </summary>
public class QuotaCalendarTests
{
    private static readonly string[] Zones =
    [
        "UTC", "Europe/Paris", "Europe/London", "America/New_York", "America/Havana", "Asia/Kolkata", "Asia/Kathmandu",
        "Australia/Adelaide", "Australia/Lord_Howe", "Pacific/Chatham", "America/Sao_Paulo", "Pacific/Auckland",
    ];

    private static readonly int[] Anchors = [1, 15, 28, 29, 30, 31];

    [Test]
    public void EveryWindowMatchesAnIndependentOracleOverManyGeneratedInstants()
    {
        var random = new Random(20261207);
        var from = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        // Past instants only: the machine's tz database and NodaTime's embedded one may disagree on announced future rules.
        var to = new DateTimeOffset(2025, 10, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var mismatches = new List<string>();
        var checkedCount = 0;
        foreach (var zoneId in Zones)
        {
            foreach (var anchor in Anchors)
            {
                var calendar = new QuotaCalendar(zoneId, anchor, (DayOfWeek)random.Next(7));
                for (var i = 0; i < 300; i++)
                {
                    var instant = DateTimeOffset.FromUnixTimeSeconds(random.NextInt64(from, to));
                    foreach (var window in Enum.GetValues<QuotaWindow>())
                    {
                        var actual = calendar.GetWindow(window, instant);
                        var (start, end) = Oracle(calendar, window, instant);
                        checkedCount++;
                        if (actual.Start != start || actual.End != end || !actual.Contains(instant))
                        {
                            mismatches.Add($"{zoneId} anchor {anchor} {window} at {instant:O}: got {actual.Start:O}..{actual.End:O}, oracle {start:O}..{end:O}");
                        }
                    }
                }
            }
        }

        Assert.That(mismatches, Is.Empty, $"{mismatches.Count} of {checkedCount} windows differ; first: {mismatches.FirstOrDefault()}");
    }

    [Test]
    public void ConsecutiveWindowsMeetWithoutGapOrOverlapAcrossDaylightSavingChanges()
    {
        foreach (var zoneId in Zones)
        {
            var calendar = new QuotaCalendar(zoneId, anchorDay: 31);
            foreach (var window in Enum.GetValues<QuotaWindow>())
            {
                var steps = window switch { QuotaWindow.Minute => 200, QuotaWindow.Hour => 24 * 400, QuotaWindow.Day => 800, _ => 60 };
                var current = calendar.GetWindow(window, new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
                for (var i = 0; i < steps; i++)
                {
                    var next = calendar.GetWindow(window, current.End);
                    Assert.That(next.Start, Is.EqualTo(current.End), $"{zoneId} {window} after {current.Start:O}");
                    Assert.That(next.Key, Is.Not.EqualTo(current.Key), $"{zoneId} {window} keys are distinct");
                    current = next;
                }
            }
        }
    }

    [Test]
    public void AnAnchorOf31StartsFebruarysWindowOnItsLastDayAndMarchsOnThe31st()
    {
        var calendar = new QuotaCalendar("UTC", anchorDay: 31);

        var midFebruary = calendar.GetWindow(QuotaWindow.Month, At(2025, 2, 15));
        var lastOfFebruary = calendar.GetWindow(QuotaWindow.Month, At(2025, 2, 28, 10));
        var leapFebruary = new QuotaCalendar("UTC", anchorDay: 30).GetWindow(QuotaWindow.Month, At(2024, 2, 29, 12));

        Assert.Multiple(() =>
        {
            Assert.That((midFebruary.Start, midFebruary.End, midFebruary.Key), Is.EqualTo((At(2025, 1, 31), At(2025, 2, 28), "2025-01-31")));
            Assert.That((lastOfFebruary.Start, lastOfFebruary.End), Is.EqualTo((At(2025, 2, 28), At(2025, 3, 31))));
            Assert.That((leapFebruary.Start, leapFebruary.End), Is.EqualTo((At(2024, 2, 29), At(2024, 3, 30))), "a leap year's 29 February is the clamped anchor");
        });
    }

    [Test]
    public void DaylightSavingDaysLast23And25HoursAndResetAtLocalMidnight()
    {
        var paris = new QuotaCalendar("Europe/Paris");

        var spring = paris.GetWindow(QuotaWindow.Day, At(2025, 3, 30, 12));
        var autumn = paris.GetWindow(QuotaWindow.Day, At(2025, 10, 26, 12));

        Assert.Multiple(() =>
        {
            Assert.That((spring.Start, spring.End, spring.Duration), Is.EqualTo((At(2025, 3, 29, 23), At(2025, 3, 30, 22), TimeSpan.FromHours(23))));
            Assert.That((autumn.Start, autumn.End, autumn.Duration), Is.EqualTo((At(2025, 10, 25, 22), At(2025, 10, 26, 23), TimeSpan.FromHours(25))));
            Assert.That(spring.Key, Is.EqualTo("2025-03-30"));
        });
    }

    [Test]
    public void AZoneWithAHalfHourOffsetStartsItsHoursAtHalfPastUtc()
    {
        var kolkata = new QuotaCalendar("Asia/Kolkata");

        var hour = kolkata.GetWindow(QuotaWindow.Hour, At(2025, 6, 1, 10, 45));
        var day = kolkata.GetWindow(QuotaWindow.Day, At(2025, 6, 1, 10, 45));

        Assert.Multiple(() =>
        {
            Assert.That((hour.Start, hour.End, hour.Key), Is.EqualTo((At(2025, 6, 1, 10, 30), At(2025, 6, 1, 11, 30), "2025-06-01T10:30Z")));
            Assert.That((day.Start, day.End), Is.EqualTo((At(2025, 5, 31, 18, 30), At(2025, 6, 1, 18, 30))));
        });
    }

    [Test]
    public void ADayWhoseMidnightIsSkippedStartsWhenTheClockJumps()
    {
        // Cuba moves its clocks from 00:00 to 01:00: that day begins at 01:00 local (UTC-4), 05:00 UTC.
        var havana = new QuotaCalendar("America/Havana");

        var day = havana.GetWindow(QuotaWindow.Day, At(2025, 3, 9, 12));

        Assert.That((day.Start, day.Duration), Is.EqualTo((At(2025, 3, 9, 5), TimeSpan.FromHours(23))));
    }

    [Test]
    public void TheChangeOfYearEndsEveryWindowAtTheSameInstant()
    {
        var calendar = QuotaCalendar.Default;
        var last = new DateTimeOffset(2025, 12, 31, 23, 59, 59, TimeSpan.Zero);

        var ends = Enum.GetValues<QuotaWindow>().Where(w => w != QuotaWindow.Week).Select(w => calendar.GetWindow(w, last).End);
        var year = calendar.GetWindow(QuotaWindow.Year, last);

        Assert.Multiple(() =>
        {
            Assert.That(ends, Is.All.EqualTo(At(2026, 1, 1)));
            Assert.That((year.Start, year.Key), Is.EqualTo((At(2025, 1, 1), "2025-01-01")));
            Assert.That(calendar.GetWindow(QuotaWindow.Week, last).Start, Is.EqualTo(At(2025, 12, 29)), "the Monday of that week");
        });
    }

    [Test]
    public void TheDefaultCalendarsMonthIsTheSeedsPeriod()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var instant = DateTimeOffset.FromUnixTimeSeconds(random.NextInt64(946_684_800, 1_924_992_000));
            var month = QuotaCalendar.Default.GetWindow(QuotaWindow.Month, instant);
            var period = QuotaPeriod.FromInstant(instant);
            Assert.That((month.Key, month.Start, month.End), Is.EqualTo((period.Key, period.Start, period.End)), instant.ToString("O"));
        }
    }

    [Test]
    public void AnotherCalendarKeysItsMonthsByTheirLocalStartDate()
    {
        var month = new QuotaCalendar("America/New_York", anchorDay: 15).GetWindow(QuotaWindow.Month, At(2025, 7, 1));

        Assert.That((month.Key, month.Start), Is.EqualTo(("2025-06-15", At(2025, 6, 15, 4))));
    }

    [TestCase(0, "UTC", "anchorDay")]
    [TestCase(32, "UTC", "anchorDay")]
    [TestCase(1, "Mars/Olympus_Mons", "Unknown time zone 'Mars/Olympus_Mons'")]
    [TestCase(1, " ", "time zone id is empty")]
    public void ABadCalendarIsRefusedNamingWhatIsWrong(int anchorDay, string zone, string message)
    {
        Assert.That(() => new QuotaCalendar(zone, anchorDay), Throws.InstanceOf<ArgumentException>().With.Message.Contains(message));
    }

    [Test]
    public void AWeekStartingOnSundayRunsFromLocalSundayMidnightToTheNextOne()
    {
        var calendar = new QuotaCalendar("America/New_York", weekStart: DayOfWeek.Sunday);

        var saturdayNight = calendar.GetWindow(QuotaWindow.Week, At(2025, 11, 2, 3, 59));
        var sundayMidnight = calendar.GetWindow(QuotaWindow.Week, At(2025, 11, 2, 4));

        Assert.Multiple(() =>
        {
            Assert.That((saturdayNight.Key, saturdayNight.Start, saturdayNight.End), Is.EqualTo(("2025-10-26", At(2025, 10, 26, 4), At(2025, 11, 2, 4))), "23:59 on Saturday, local time, is in the week that began on Sunday the 26th");
            Assert.That((sundayMidnight.Key, sundayMidnight.Start), Is.EqualTo(("2025-11-02", At(2025, 11, 2, 4))), "local midnight on Sunday starts the next week");
            Assert.That(sundayMidnight.Duration, Is.EqualTo(TimeSpan.FromDays(7) + TimeSpan.FromHours(1)), "that week holds the end of daylight saving time");
            Assert.That(QuotaCalendar.Default.GetWindow(QuotaWindow.Week, At(2025, 11, 2, 4)).Start, Is.EqualTo(At(2025, 10, 27)), "the default week starts on Monday");
        });
    }

    [Test]
    public void AWeekStartThatIsNoDayIsRefused()
    {
        Assert.That(() => new QuotaCalendar("UTC", 1, (DayOfWeek)7), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("day of the week"));
    }

    private static DateTimeOffset At(int year, int month, int day, int hour = 0, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    private static (DateTimeOffset Start, DateTimeOffset End) Oracle(QuotaCalendar calendar, QuotaWindow window, DateTimeOffset instant)
    {
        var zone = DateTimeZoneProviders.Tzdb[calendar.TimeZoneId];
        var zoned = Instant.FromDateTimeOffset(instant).InZone(zone);
        var date = zoned.Date;
        switch (window)
        {
            case QuotaWindow.Minute:
            case QuotaWindow.Hour:
                var clock = zoned.LocalDateTime;
                var truncated = window == QuotaWindow.Minute
                    ? clock.Date + new LocalTime(clock.Hour, clock.Minute)
                    : clock.Date + new LocalTime(clock.Hour, 0);
                var start = new OffsetDateTime(truncated, zoned.Offset).ToInstant();
                var length = window == QuotaWindow.Minute ? Duration.FromMinutes(1) : Duration.FromHours(1);
                var interval = zone.GetZoneInterval(zoned.ToInstant());
                var cutStart = interval.HasStart && interval.Start > start ? interval.Start : start;
                var cutEnd = interval.HasEnd && interval.End < start + length ? interval.End : start + length;
                return (cutStart.ToDateTimeOffset(), cutEnd.ToDateTimeOffset());
            case QuotaWindow.Day:
                return Days(zone, date, 1);
            case QuotaWindow.Week:
                var weekStart = calendar.WeekStart == DayOfWeek.Sunday ? IsoDayOfWeek.Sunday : (IsoDayOfWeek)(int)calendar.WeekStart;
                return Days(zone, date.With(DateAdjusters.PreviousOrSame(weekStart)), 7);
            default:
                var months = window == QuotaWindow.Month ? 1 : 12;
                var opening = Anchor(calendar, date.Year, window == QuotaWindow.Month ? date.Month : 1);
                if (date < opening)
                {
                    var earlier = new LocalDate(opening.Year, opening.Month, 1).PlusMonths(-months);
                    opening = Anchor(calendar, earlier.Year, earlier.Month);
                }

                var following = new LocalDate(opening.Year, opening.Month, 1).PlusMonths(months);
                return (zone.AtStartOfDay(opening).ToDateTimeOffset(), zone.AtStartOfDay(Anchor(calendar, following.Year, following.Month)).ToDateTimeOffset());
        }
    }

    private static (DateTimeOffset, DateTimeOffset) Days(DateTimeZone zone, LocalDate first, int days) =>
        (zone.AtStartOfDay(first).ToDateTimeOffset(), zone.AtStartOfDay(first.PlusDays(days)).ToDateTimeOffset());

    private static LocalDate Anchor(QuotaCalendar calendar, int year, int month) =>
        new(year, month, Math.Min(calendar.AnchorDay, CalendarSystem.Iso.GetDaysInMonth(year, month)));
}
