using TokenQuota.Storage;

namespace TokenQuota.Tests.Limits;

public sealed class ExtraLimitPlanTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private static ConsumptionProfile Profile(string timeZone = "UTC", params string[] limits) => new()
    {
        Name = "Metered",
        TimeZone = timeZone,
        Limits = [.. limits.Select(QuotaLimit.Parse)],
    };

    private static long Tokens(QuotaMeter meter) => meter switch
    {
        QuotaMeter.InputTokens => 100,
        QuotaMeter.OutputTokens => 50,
        QuotaMeter.TotalTokens => 150,
        _ => 0,
    };

    [Test]
    public void OnlyTheLimitsOfTheRequestsModelAndMetersApply()
    {
        var profile = Profile("UTC", "total_tokens/minute=20000@gpt-4o*", "input_tokens/day=5000@claude-3", "prompts/minute=10", "output_tokens/hour=900");

        var forGpt = ExtraLimitPlan.For(profile, "gpt-4o-mini", Tokens);
        var noModel = ExtraLimitPlan.For(profile, null, Tokens);
        var none = ExtraLimitPlan.For(null, "gpt-4o", Tokens);

        Assert.Multiple(() =>
        {
            Assert.That(forGpt.Keys, Is.EqualTo(new[] { "total_tokens/minute@gpt-4o*", "output_tokens/hour" }), "prompts ask 0 units here; claude-3 is another model");
            Assert.That(noModel.Keys, Is.EqualTo(new[] { "output_tokens/hour" }), "a request that names no model meets only the limits for every model");
            Assert.That(none.IsEmpty, Is.True);
        });
    }

    [Test]
    public void TheCounterKeyLeavesOutTheAmountSoAnEditOfTheAmountKeepsTheCount()
    {
        Assert.Multiple(() =>
        {
            Assert.That(QuotaLimit.Parse("total_tokens/minute=20000@gpt-4o*").Name, Is.EqualTo("total_tokens/minute@gpt-4o*"));
            Assert.That(QuotaLimit.Parse("prompts/minute:token_bucket=10").Name, Is.EqualTo("prompts/minute:token_bucket"));
            Assert.That(QuotaLimit.Parse("in_flight=4").Name, Is.EqualTo("in_flight"));
            Assert.That(QuotaLimit.Parse("in_flight=9").Name, Is.EqualTo(QuotaLimit.Parse("in_flight=4").Name));
        });
    }

    [Test]
    public void ACountStoredAndReadBackIsJudgedAgainstTheNewAmountAtOnce()
    {
        var before = ExtraLimitPlan.For(Profile("UTC", "total_tokens/day=1000"), null, Tokens);
        var charges = before.Charges([], Noon);
        var verdict = LimitRule.Judge(charges, Noon);
        var rows = before.Rows(charges, verdict.Counters);

        var lowered = ExtraLimitPlan.For(Profile("UTC", "total_tokens/day=200"), null, Tokens);
        var again = LimitRule.Judge(lowered.Charges(rows, Noon.AddHours(1)), Noon.AddHours(1));

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Admitted, Is.True);
            Assert.That(rows.Single(), Is.EqualTo(new StoredLimitCounter("total_tokens/day", Noon.Date.ToUnixMs(), Noon.Date.AddDays(1).ToUnixMs(), 150, null)));
            Assert.That(again.Admitted, Is.False, "150 used + 150 asked > the new amount 200");
            Assert.That(again.Figures[0].Used, Is.EqualTo(150));
            Assert.That(again.RetryAfter, Is.EqualTo(TimeSpan.FromHours(11)), "the day window ends at midnight UTC");
        });
    }

    [Test]
    public void ANewCalendarAppliesFromTheNextBoundaryTheWindowInProgressKeepsItsBoundsAndUsage()
    {
        var utc = ExtraLimitPlan.For(Profile("UTC", "total_tokens/day=1000"), null, Tokens);
        var stored = utc.Rows(utc.Charges([], Noon), LimitRule.Judge(utc.Charges([], Noon), Noon).Counters);

        var kolkata = ExtraLimitPlan.For(Profile("Asia/Kolkata", "total_tokens/day=1000"), null, Tokens);
        var sameDay = kolkata.Charges(stored, Noon.AddHours(11)).Single();
        var nextDay = kolkata.Charges(stored, Noon.AddHours(12)).Single();

        Assert.Multiple(() =>
        {
            Assert.That(sameDay.Counter.Count, Is.EqualTo(150), "the UTC day in progress keeps its usage");
            Assert.That(sameDay.Bounds!.Value.End, Is.EqualTo(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.Zero)), "and its bounds");
            Assert.That(nextDay.Counter.Count, Is.Zero, "after its end the Kolkata day starts from zero");
            Assert.That(nextDay.Bounds!.Value.Start, Is.EqualTo(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.FromHours(5.5))));
        });
    }

    [Test]
    public void ANewWeekStartAppliesFromTheNextBoundaryTheWeekInProgressKeepsItsBoundsAndUsage()
    {
        var monday = ExtraLimitPlan.For(Profile("UTC", "total_tokens/week=1000"), null, Tokens);
        var stored = monday.Rows(monday.Charges([], Noon), LimitRule.Judge(monday.Charges([], Noon), Noon).Counters);

        var sundayProfile = Profile("UTC", "total_tokens/week=1000") with { WeekStart = DayOfWeek.Sunday };
        var sunday = ExtraLimitPlan.For(sundayProfile, null, Tokens);
        var onSunday = sunday.Charges(stored, new DateTimeOffset(2026, 3, 15, 12, 0, 0, TimeSpan.Zero)).Single();
        var afterTheWeek = sunday.Charges(stored, new DateTimeOffset(2026, 3, 16, 0, 0, 0, TimeSpan.Zero)).Single();

        Assert.Multiple(() =>
        {
            Assert.That(stored.Single().WindowStart, Is.EqualTo(new DateTime(2026, 3, 9).ToUnixMs()), "Tuesday the 10th is in the week from Monday the 9th");
            Assert.That(onSunday.Counter.Count, Is.EqualTo(150), "the Monday week in progress keeps its usage on Sunday");
            Assert.That(onSunday.Bounds!.Value.End, Is.EqualTo(new DateTimeOffset(2026, 3, 16, 0, 0, 0, TimeSpan.Zero)), "and its bounds: it still ends on Monday");
            Assert.That(afterTheWeek.Counter.Count, Is.Zero, "after its end the Sunday week starts from zero");
            Assert.That(afterTheWeek.Bounds!.Value.End, Is.EqualTo(new DateTimeOffset(2026, 3, 22, 0, 0, 0, TimeSpan.Zero)), "and ends on Sunday");
        });
    }

    [Test]
    public void ABucketAndALogAreStoredAsTheyWereJudged()
    {
        var plan = ExtraLimitPlan.For(Profile("UTC", "total_tokens/minute:token_bucket=250", "input_tokens/minute:sliding_window=250"), null, Tokens);
        var first = plan.Charges([], Noon);
        var rows = plan.Rows(first, LimitRule.Judge(first, Noon).Counters);

        var second = LimitRule.Judge(plan.Charges(rows, Noon.AddSeconds(1)), Noon.AddSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(rows[1].State, Is.EqualTo($"{Noon.ToUnixTimeMilliseconds()}:100"));
            Assert.That(second.Admitted, Is.False, "the bucket of 250 still owes about 146 of the first 150 a second later; the log's 100 + 100 ≤ 250 would allow");
            Assert.That(plan.Limits[second.Binding].Algorithm, Is.EqualTo(LimitAlgorithm.TokenBucket), "the stored bucket state is what binds");
            Assert.That(second.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(11)), "until 50 of the 150 have refilled at 250 a minute, from the first charge");
        });
    }
}

internal static class UnixMs
{
    public static long ToUnixMs(this DateTime utcDate) => new DateTimeOffset(utcDate, TimeSpan.Zero).ToUnixTimeMilliseconds();
}
