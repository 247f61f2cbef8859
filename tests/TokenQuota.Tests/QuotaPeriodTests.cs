using Moq;

namespace TokenQuota.Tests;

public class QuotaPeriodTests
{
    [Test]
    public void FromInstantUsesTheUtcCalendarMonth()
    {
        var lateOnNewYearsEveInNewYork = new DateTimeOffset(2025, 12, 31, 22, 0, 0, TimeSpan.FromHours(-5));
        Assert.That(QuotaPeriod.FromInstant(lateOnNewYearsEveInNewYork).Key, Is.EqualTo("2026-01"));
    }

    [TestCase("2025-13")]
    [TestCase("25-12")]
    [TestCase("abc")]
    [TestCase("2025-00")]
    [TestCase("2025/12")]
    public void TryParseRefusesMalformedKeys(string key)
    {
        Assert.That(QuotaPeriod.TryParse(key, out _), Is.False);
        var error = Assert.Throws<FormatException>(() => QuotaPeriod.Parse(key));
        Assert.That(error!.Message, Does.Contain(key));
    }

    [Test]
    public void ParseRoundTripsAndKnowsItsBounds()
    {
        var period = QuotaPeriod.Parse("2025-12");
        Assert.Multiple(() =>
        {
            Assert.That(period.Key, Is.EqualTo("2025-12"));
            Assert.That(period.Start, Is.EqualTo(new DateTimeOffset(2025, 12, 1, 0, 0, 0, TimeSpan.Zero)));
            Assert.That(period.End, Is.EqualTo(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        });
    }
}

public class QuotaPeriodClockTests
{
    [Test]
    public async Task CheckerMonthRolloverPassesTheNewPeriodKeyToTheStore()
    {
        using var harness = new TestSupport.QuotaHarness(now: new DateTimeOffset(2025, 12, 31, 23, 59, 59, TimeSpan.Zero));
        harness.WithProfile(TestSupport.Profiles.Make(1, "Free", input: 100, isDefault: true));
        harness.WithUsage("alice", 100, 0, period: "2025-12");

        var december = await harness.Checker.CheckAsync("alice", 1, 0);
        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        var january = await harness.Checker.CheckAsync("alice", 1, 0);

        Assert.Multiple(() =>
        {
            Assert.That(december.Period.Key, Is.EqualTo("2025-12"));
            Assert.That(december.IsAllowed, Is.False);
            Assert.That(january.Period.Key, Is.EqualTo("2026-01"));
            Assert.That(january.IsAllowed, Is.True);
            Assert.That(january.Input.Used, Is.Zero);
        });
        harness.Store.Verify(s => s.GetUsageAsync("alice", new QuotaPeriod(2025, 12), It.IsAny<CancellationToken>()), Times.Once);
        harness.Store.Verify(s => s.GetUsageAsync("alice", new QuotaPeriod(2026, 1), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task RecordAndStatusUseTheUtcMonthOfTheInjectedClock()
    {
        // 23:30 on 31 January in UTC-05:00 is already 1 February in UTC.
        using var harness = new TestSupport.QuotaHarness(now: new DateTimeOffset(2026, 1, 31, 23, 30, 0, TimeSpan.FromHours(-5)));

        await harness.Checker.RecordAsync("bob", 5, 6);
        var status = await harness.Checker.GetStatusAsync("bob");

        Assert.Multiple(() =>
        {
            Assert.That(harness.Usage.Keys, Is.EqualTo(new[] { ("bob", "2026-02") }));
            Assert.That(status.Period, Is.EqualTo("2026-02"));
            Assert.That(status.InputTokens.Used, Is.EqualTo(5));
            Assert.That(status.ResetsAt, Is.EqualTo(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)));
        });
    }

    [Test]
    public void CurrentReadsTheGivenClock()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2031, 7, 4, 12, 0, 0, TimeSpan.Zero));

        Assert.That(QuotaPeriod.Current(clock), Is.EqualTo(new QuotaPeriod(2031, 7)));
    }
}
