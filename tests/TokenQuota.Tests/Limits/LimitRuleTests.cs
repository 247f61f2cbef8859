namespace TokenQuota.Tests.Limits;

/// <summary>The one rule: every limit that applies must allow; all are charged or none; a refusal names the binding limit.</summary>
public class LimitRuleTests
{
    private static readonly DateTimeOffset Now = new(2025, 12, 15, 10, 30, 20, TimeSpan.Zero);

    [Test]
    public void WhenEveryLimitAllowsEachIsChargedAndItsFiguresShowTheCharge()
    {
        var monthly = Fixed("input_tokens/month=1000", used: 400, units: 100);
        var perMinute = Fixed("total_tokens/minute=500@gpt-4o*", used: 0, units: 150);
        var inFlight = Charge("in_flight=2", LimitCounter.Empty with { Count = 1 }, units: 1);

        var verdict = LimitRule.Judge([monthly, perMinute, inFlight], Now);

        Assert.Multiple(() =>
        {
            Assert.That((verdict.Admitted, verdict.Binding, verdict.RetryAfter), Is.EqualTo((true, -1, (TimeSpan?)null)));
            Assert.That(verdict.Counters.Select(c => c.Count), Is.EqualTo(new long[] { 500, 150, 2 }));
            Assert.That(verdict.Figures[0], Is.EqualTo(new LimitFigures(1000, 500, 500, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))));
            Assert.That(verdict.Figures[1].ResetsAt, Is.EqualTo(new DateTimeOffset(2025, 12, 15, 10, 31, 0, TimeSpan.Zero)));
            Assert.That(verdict.Figures[2], Is.EqualTo(new LimitFigures(2, 2, 0, null)));
        });
    }

    [Test]
    public void ARefusalChargesNothingAnywhereAndNamesTheLimitWhoseWaitIsLongest()
    {
        var monthly = Fixed("input_tokens/month=1000", used: 950, units: 100);
        var perMinute = Fixed("total_tokens/minute=500", used: 450, units: 100);
        var allows = Fixed("prompts/day=100", used: 3, units: 1);

        var verdict = LimitRule.Judge([perMinute, monthly, allows], Now);

        Assert.Multiple(() =>
        {
            Assert.That((verdict.Admitted, verdict.Binding), Is.EqualTo((false, 1)), "the month waits longer than the minute");
            Assert.That(verdict.RetryAfter, Is.EqualTo(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) - Now));
            Assert.That(verdict.Counters.Select(c => c.Count), Is.EqualTo(new long[] { 450, 950, 3 }), "nothing charged");
            Assert.That(verdict.Figures[1], Is.EqualTo(new LimitFigures(1000, 950, 50, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))));
        });
    }

    [Test]
    public void ARequestLargerThanALimitCanNeverFitAndSaysWaitingDoesNotHelp()
    {
        var perMinute = Fixed("total_tokens/minute=500", used: 0, units: 501);
        var monthly = Fixed("input_tokens/month=10", used: 10, units: 1);

        var verdict = LimitRule.Judge([monthly, perMinute], Now);

        Assert.That((verdict.Admitted, verdict.Binding, verdict.RetryAfter), Is.EqualTo((false, 1, (TimeSpan?)null)));
    }

    [Test]
    public void AFullInFlightLimitRefusesWithoutAWaitAndAnUnlimitedOneOnlyCounts()
    {
        var full = Charge("in_flight=2", LimitCounter.Empty with { Count = 2 }, units: 1);
        var unlimited = Fixed("output_tokens/month=unlimited", used: 7, units: 5);

        var refused = LimitRule.Judge([full], Now);
        var counted = LimitRule.Judge([unlimited], Now);

        Assert.Multiple(() =>
        {
            Assert.That((refused.Admitted, refused.RetryAfter), Is.EqualTo((false, (TimeSpan?)null)));
            Assert.That((counted.Admitted, counted.Counters[0].Count, counted.Figures[0].Remaining), Is.EqualTo((true, 12L, (long?)null)));
        });
    }

    [Test]
    public void ABucketAndASlidingWindowAreJudgedByTheirOwnStateAndReportTheirExactWait()
    {
        var bucket = Charge("prompts/minute:token_bucket=2", LimitCounter.Empty, units: 2);
        var admitted = LimitRule.Judge([bucket], Now);
        var refused = LimitRule.Judge([bucket with { Counter = admitted.Counters[0], Units = 1 }], Now);

        var sliding = Charge("prompts/minute:sliding_window=1", LimitCounter.Empty, units: 1);
        var first = LimitRule.Judge([sliding], Now);
        var second = LimitRule.Judge([sliding with { Counter = first.Counters[0] }], Now.AddSeconds(45));

        Assert.Multiple(() =>
        {
            Assert.That((admitted.Admitted, admitted.Figures[0].Remaining), Is.EqualTo((true, (long?)0)));
            Assert.That((refused.Admitted, refused.RetryAfter), Is.EqualTo((false, (TimeSpan?)TimeSpan.FromSeconds(30))));
            Assert.That(refused.Figures[0].ResetsAt, Is.EqualTo(Now.AddMinutes(1)), "the bucket is full again a minute after it was emptied");
            Assert.That(first.Counters[0].Log, Has.Count.EqualTo(1));
            Assert.That((second.Admitted, second.RetryAfter), Is.EqualTo((false, (TimeSpan?)TimeSpan.FromSeconds(15))));
        });
    }

    private static LimitCharge Fixed(string text, long used, long units) => Charge(text, LimitCounter.Empty with { Count = used }, units);

    private static LimitCharge Charge(string text, LimitCounter counter, long units)
    {
        var limit = QuotaLimit.Parse(text);
        var bounds = limit.Window is { } window ? QuotaCalendar.Default.GetWindow(window, Now) : (QuotaWindowBounds?)null;
        return new LimitCharge(limit, bounds, units, counter);
    }
}
