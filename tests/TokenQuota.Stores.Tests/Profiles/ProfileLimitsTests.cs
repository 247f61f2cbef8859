using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Stores.Tests;

[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class ProfileLimitsTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    private static readonly QuotaLimit[] Extra =
    [
        QuotaLimit.Parse("total_tokens/minute=20000@gpt-4o*"),
        QuotaLimit.Parse("prompts/minute:token_bucket=10"),
        QuotaLimit.Parse("input_tokens/month=500000@gpt-4o"),
        QuotaLimit.Parse("in_flight=4"),
    ];

    [Test]
    public async Task AWeekLimitOnAProfileWhoseWeeksStartOnSundayResetsOnSunday()
    {
        // Start is Friday 2025-12-05 10:00 UTC: that Sunday week began on 2025-11-30 and ends on Sunday 2025-12-07.
        var sunday = new DateTimeOffset(2025, 12, 7, 0, 0, 0, TimeSpan.Zero);
        var s = await StartAsync();
        var created = await s.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Sunday", WeekStart = DayOfWeek.Sunday, Limits = [QuotaLimit.Parse("prompts/week=2")] });
        await s.Profiles.AssignAsync("alice", created.Id);
        await using var other = BuildServices();
        var read = await other.GetRequiredService<IConsumptionProfileManager>().GetAsync(created.Id);
        var stored = Scalar<long>("SELECT week_start FROM tokenquota_profile_limits WHERE profile_id = @id;", ("@id", created.Id));

        await s.Rates.AcquirePromptAsync("alice");
        await s.Rates.AcquirePromptAsync("alice");
        var refused = await s.Rates.AcquirePromptAsync("alice");
        var status = await s.Checker.GetStatusAsync("alice");
        Clock.SetUtcNow(sunday.AddMilliseconds(-1));
        var lastMoment = await s.Rates.AcquirePromptAsync("alice");
        Clock.SetUtcNow(sunday);
        var onSunday = await s.Rates.AcquirePromptAsync("alice");
        var nextWeek = await s.Checker.GetStatusAsync("alice");

        Assert.Multiple(() =>
        {
            Assert.That(read.WeekStart, Is.EqualTo(DayOfWeek.Sunday), "read back by another process");
            Assert.That(stored, Is.Zero, "stored as DayOfWeek's number");
            Assert.That(refused.IsAllowed, Is.False);
            Assert.That(refused.ResetsAt, Is.EqualTo(sunday));
            Assert.That(refused.RetryAfter, Is.EqualTo(sunday - Start));
            Assert.That(status.Limits.Single().ResetsAt, Is.EqualTo(sunday), "not Monday the 8th, the default calendar's end of the week");
            Assert.That(lastMoment.IsAllowed, Is.False, "1 ms before Sunday the week is still used up");
            Assert.That(onSunday.IsAllowed, Is.True, "at Sunday midnight a new week starts");
            Assert.That(nextWeek.Limits.Single().Used, Is.EqualTo(1));
            Assert.That(nextWeek.Limits.Single().ResetsAt, Is.EqualTo(sunday.AddDays(7)));
        });
    }

    [Test]
    public async Task ANewWeekStartAppliesFromTheNextBoundaryAndTheWeekInProgressKeepsItsUsage()
    {
        // Start is Friday 2025-12-05 10:00 UTC: the default (Monday) week runs from 2025-12-01 to Monday 2025-12-08.
        var monday = new DateTimeOffset(2025, 12, 8, 0, 0, 0, TimeSpan.Zero);
        var s = await StartAsync();
        var created = await s.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Weekly", Limits = [QuotaLimit.Parse("prompts/week=2")] });
        await s.Profiles.AssignAsync("alice", created.Id);
        await s.Rates.AcquirePromptAsync("alice");
        await s.Rates.AcquirePromptAsync("alice");

        var edited = await s.Profiles.UpdateAsync(created.Id, new ConsumptionProfileUpdate { WeekStart = DayOfWeek.Sunday });
        var afterEdit = await s.Checker.GetStatusAsync("alice");
        Clock.SetUtcNow(new DateTimeOffset(2025, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var onSunday = await s.Rates.AcquirePromptAsync("alice");
        Clock.SetUtcNow(monday);
        var atTheBoundary = await s.Rates.AcquirePromptAsync("alice");
        var nextWeek = await s.Checker.GetStatusAsync("alice");

        Assert.Multiple(() =>
        {
            Assert.That(edited.WeekStart, Is.EqualTo(DayOfWeek.Sunday));
            Assert.That(afterEdit.Limits.Single().Used, Is.EqualTo(2), "the edit keeps the week's usage");
            Assert.That(afterEdit.Limits.Single().ResetsAt, Is.EqualTo(monday), "and the bounds of the week in progress");
            Assert.That(onSunday.IsAllowed, Is.False, "Sunday does not cut the Monday week in progress short");
            Assert.That(onSunday.ResetsAt, Is.EqualTo(monday));
            Assert.That(atTheBoundary.IsAllowed, Is.True, "at the old week's end the counting starts again");
            Assert.That(nextWeek.Limits.Single().Used, Is.EqualTo(1));
            Assert.That(nextWeek.Limits.Single().ResetsAt, Is.EqualTo(new DateTimeOffset(2025, 12, 14, 0, 0, 0, TimeSpan.Zero)), "from there the weeks end on Sunday");
        });
    }

    [Test]
    public async Task AWeekStartAloneIsACalendarOfItsOwnAndBackToMondayItIsTheDefaultAgain()
    {
        var s = await StartAsync();
        var created = await s.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Saturday", WeekStart = DayOfWeek.Saturday });
        var rows = Scalar<long>("SELECT COUNT(*) FROM tokenquota_profile_limits WHERE profile_id = @id;", ("@id", created.Id));
        await using (var other = BuildServices())
        {
            Assert.That((await other.GetRequiredService<IConsumptionProfileManager>().GetAsync(created.Id)).WeekStart, Is.EqualTo(DayOfWeek.Saturday));
        }

        var back = await s.Profiles.UpdateAsync(created.Id, new ConsumptionProfileUpdate { WeekStart = DayOfWeek.Monday });

        Assert.Multiple(() =>
        {
            Assert.That(rows, Is.EqualTo(1), "a week start other than Monday is kept beside the seed's columns");
            Assert.That(back.WeekStart, Is.EqualTo(DayOfWeek.Monday));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_profile_limits WHERE profile_id = @id;", ("@id", created.Id)), Is.Zero, "the default calendar needs no row");
        });
    }

    [Test]
    public async Task AProfileKeepsItsCalendarAndExtraLimitsAcrossProcesses()
    {
        var s = await StartAsync();
        var created = await s.Profiles.CreateAsync(new NewConsumptionProfile
        {
            Name = "Metered",
            TimeZone = "Asia/Kolkata",
            AnchorDay = 31,
            Limits = Extra,
        });

        await using var other = BuildServices();
        var read = await other.GetRequiredService<IConsumptionProfileManager>().GetAsync(created.Id);

        Assert.Multiple(() =>
        {
            Assert.That(read.TimeZone, Is.EqualTo("Asia/Kolkata"));
            Assert.That(read.AnchorDay, Is.EqualTo(31));
            Assert.That(read.Limits, Is.EqualTo(Extra));
            Assert.That(read.Calendar.GetWindow(QuotaWindow.Month, new DateTimeOffset(2026, 2, 10, 0, 0, 0, TimeSpan.Zero)).Start,
                Is.EqualTo(new DateTimeOffset(2026, 1, 31, 0, 0, 0, TimeSpan.FromHours(5.5))), "the stored calendar is the one the windows follow");
            Assert.That(Scalar<string>("SELECT limits FROM tokenquota_profile_limits WHERE profile_id = @id;", ("@id", created.Id)),
                Is.EqualTo(string.Join('\n', Extra.Select(l => l.ToString()))), "one limit per line, in the text form");
        });
    }

    [Test]
    public async Task ExistingProfilesHaveTheDefaultCalendarAndNoExtraLimits()
    {
        var s = await StartAsync();

        var profiles = await s.Profiles.ListAsync();

        Assert.That(profiles, Has.Count.GreaterThan(0));
        Assert.That(profiles, Has.All.Matches<ConsumptionProfile>(p => p != null && p.TimeZone == "UTC" && p.AnchorDay == 1 && p.WeekStart == DayOfWeek.Monday && p.Limits.Count == 0));
    }

    [Test]
    public async Task AnUpdateReplacesTheLimitsKeepsThemWhenOmittedAndAnEmptySetRemovesThem()
    {
        var s = await StartAsync();
        var id = (await s.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Metered", Limits = Extra })).Id;

        var renamed = await s.Profiles.UpdateAsync(id, new ConsumptionProfileUpdate { Name = "Metered 2" });
        var replaced = await s.Profiles.UpdateAsync(id, new ConsumptionProfileUpdate { Limits = [Extra[0] with { }, QuotaLimit.Parse("output_tokens/day=1000")], AnchorDay = 15 });
        var audits = AuditCount();
        var same = await s.Profiles.UpdateAsync(id, new ConsumptionProfileUpdate { Limits = [.. replaced.Limits] });
        var cleared = await s.Profiles.UpdateAsync(id, new ConsumptionProfileUpdate { Limits = [] });

        Assert.Multiple(() =>
        {
            Assert.That(renamed.Limits, Is.EqualTo(Extra));
            Assert.That(replaced.Limits.Select(l => l.ToString()), Is.EqualTo(new[] { "total_tokens/minute=20000@gpt-4o*", "output_tokens/day=1000" }));
            Assert.That(replaced.AnchorDay, Is.EqualTo(15));
            Assert.That(replaced.TimeZone, Is.EqualTo("UTC"));
            Assert.That(same.UpdatedAt, Is.EqualTo(replaced.UpdatedAt), "the same limits again change nothing");
            Assert.That(cleared.Limits, Is.Empty);
            Assert.That(AuditCount(), Is.EqualTo(audits + 1), "only the clearing update was audited after the replacement");
        });
    }

    [Test]
    public async Task DeletingAProfileDeletesItsLimitsAndTheSeedTableKeepsTheSeedsColumns()
    {
        var s = await StartAsync();
        var id = (await s.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Metered", Limits = Extra })).Id;

        await s.Profiles.DeleteAsync(id);

        Assert.Multiple(() =>
        {
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_profile_limits WHERE profile_id = @id;", ("@id", id)), Is.Zero);
            Assert.That(Rows("SELECT * FROM consumption_profiles;")[0].Keys, Does.Not.Contain("limits").And.Not.Contain("time_zone"));
        });
    }

    private static IEnumerable<TestCaseData> BadProfiles()
    {
        yield return new TestCaseData(new NewConsumptionProfile { Name = "X", TimeZone = "Mars/Olympus" }, "time_zone", "Mars/Olympus").SetName("UnknownTimeZone");
        yield return new TestCaseData(new NewConsumptionProfile { Name = "X", TimeZone = " " }, "time_zone", "empty").SetName("EmptyTimeZone");
        yield return new TestCaseData(new NewConsumptionProfile { Name = "X", AnchorDay = 0 }, "anchor_day", "1 to 31").SetName("AnchorDayZero");
        yield return new TestCaseData(new NewConsumptionProfile { Name = "X", AnchorDay = 32 }, "anchor_day", "1 to 31").SetName("AnchorDay32");
        yield return new TestCaseData(new NewConsumptionProfile { Name = "X", WeekStart = (DayOfWeek)9 }, "week_start", "monday to sunday; got 9").SetName("WeekStart9");
        yield return new TestCaseData(new NewConsumptionProfile { Name = "X", WeekStart = (DayOfWeek)(-1) }, "week_start", "monday to sunday; got -1").SetName("WeekStartMinus1");
        yield return new TestCaseData(
            new NewConsumptionProfile { Name = "X", Limits = [QuotaLimit.Parse("total_tokens/minute=10"), QuotaLimit.Parse("total_tokens/minute=20")] },
            "limits[1]", "same meter, window and model").SetName("TwoIdenticalLimits");
        yield return new TestCaseData(
            new NewConsumptionProfile { Name = "X", Limits = [QuotaLimit.Parse("prompts/hour=5")] },
            "limits[0]", "prompts_per_hour").SetName("ALimitThatIsAStandardOne");
        yield return new TestCaseData(
            new NewConsumptionProfile { Name = "X", Limits = [.. Enumerable.Range(1, 51).Select(i => QuotaLimit.Parse($"total_tokens/minute={i}@m{i}"))] },
            "limits", "at most 50").SetName("TooManyLimits");
    }

    [TestCaseSource(nameof(BadProfiles))]
    public async Task ABadCalendarOrLimitSetIsRefusedNamingTheFieldAndNothingIsWritten(NewConsumptionProfile profile, string field, string says)
    {
        var s = await StartAsync();
        var before = Snapshot();

        var error = await Assert.ThrowsAsync<ConsumptionProfileValidationException>(() => s.Profiles.CreateAsync(profile));
        var id = await ProfileIdAsync(s.Profiles, "Pro");
        var updateError = await Assert.ThrowsAsync<ConsumptionProfileValidationException>(() => s.Profiles.UpdateAsync(id, new ConsumptionProfileUpdate
        {
            TimeZone = profile.TimeZone == "UTC" ? null : profile.TimeZone,
            AnchorDay = profile.AnchorDay == 1 ? null : profile.AnchorDay,
            WeekStart = profile.WeekStart == DayOfWeek.Monday ? null : profile.WeekStart,
            Limits = profile.Limits.Count == 0 ? null : profile.Limits,
        }));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Errors.Keys, Does.Contain(field));
            Assert.That(error.Errors[field].Single(), Does.Contain(says));
            Assert.That(updateError!.Errors.Keys, Does.Contain(field), "an update is refused alike");
            Assert.That(Snapshot(), Is.EqualTo(before), "nothing written");
        });
    }
}
