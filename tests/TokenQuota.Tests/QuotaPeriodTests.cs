namespace TokenQuota.Tests;

public class QuotaPeriodTests
{
    [Test]
    public void FromInstant_UsesTheUtcCalendarMonth()
    {
        var lateOnNewYearsEveInNewYork = new DateTimeOffset(2025, 12, 31, 22, 0, 0, TimeSpan.FromHours(-5));
        Assert.That(QuotaPeriod.FromInstant(lateOnNewYearsEveInNewYork).Key, Is.EqualTo("2026-01"));
    }

    [TestCase("2025-13")]
    [TestCase("25-12")]
    [TestCase("abc")]
    [TestCase("2025-00")]
    [TestCase("2025/12")]
    public void TryParse_RefusesMalformedKeys(string key)
    {
        Assert.That(QuotaPeriod.TryParse(key, out _), Is.False);
        var error = Assert.Throws<FormatException>(() => QuotaPeriod.Parse(key));
        Assert.That(error!.Message, Does.Contain(key));
    }

    [Test]
    public void Parse_RoundTripsAndKnowsItsBounds()
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
