using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Stores.Tests;

[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class UsageReportTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    [Test]
    public async Task UsagePerUserIsSortedAndPaged()
    {
        var s = await StartAsync();
        var reports = s.Provider.GetRequiredService<IUsageReports>();
        await s.Checker.RecordAsync("a", 300, 10);
        await s.Checker.RecordAsync("b", 100, 30);
        await s.Checker.RecordAsync("c", 200, 20);
        var december = QuotaPeriod.Parse("2025-12");

        var byInput = await reports.GetUsageAsync(december, UsageSortOrder.InputTokens);
        var byOutput = await reports.GetUsageAsync(december, UsageSortOrder.OutputTokens);
        var page2 = await reports.GetUsageAsync(december, UsageSortOrder.UserId, offset: 1, limit: 1);

        Assert.Multiple(() =>
        {
            Assert.That(byInput.Items.Select(u => u.UserId), Is.EqualTo(new[] { "a", "c", "b" }));
            Assert.That(byOutput.Items.Select(u => u.UserId), Is.EqualTo(new[] { "b", "c", "a" }));
            Assert.That(page2.Items.Single().UserId, Is.EqualTo("b"));
            Assert.That(page2.TotalCount, Is.EqualTo(3));
            Assert.That(byInput.Items[0].TotalTokens, Is.EqualTo(310));
            Assert.That(byInput.Items[0].FirstUsageAt, Is.EqualTo(Start));
        });
    }

    [Test]
    public async Task TotalsPerPeriodAndAUsersHistoryAcrossPeriods()
    {
        var s = await StartAsync();
        var reports = s.Provider.GetRequiredService<IUsageReports>();
        await s.Checker.RecordAsync("a", 100, 10);
        await s.Checker.RecordAsync("b", 50, 5);
        Clock.Advance(TimeSpan.FromDays(31));
        await s.Checker.RecordAsync("a", 7, 3);

        var totals = await reports.GetPeriodTotalsAsync();
        var history = await reports.GetUserHistoryAsync("a");

        Assert.Multiple(() =>
        {
            Assert.That(totals.Select(t => (t.Period, t.Users, t.InputTokens, t.OutputTokens, t.TotalTokens)), Is.EqualTo(new[]
            {
                ("2026-01", 1L, 7L, 3L, 10L),
                ("2025-12", 2L, 150L, 15L, 165L),
            }));
            Assert.That(history.Select(h => (h.Period, h.InputTokens)), Is.EqualTo(new[] { ("2026-01", 7L), ("2025-12", 100L) }));
        });
    }

    [Test]
    public async Task BadReportQueriesAreRefused()
    {
        var s = await StartAsync();
        var reports = s.Provider.GetRequiredService<IUsageReports>();
        await Assert.MultipleAsync(async () =>
        {
            await Assert.ThrowsAsync<ArgumentException>(() => reports.GetUsageAsync(default));
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => reports.GetUsageAsync(QuotaPeriod.Parse("2025-12"), limit: 0));
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => reports.GetUsageAsync(QuotaPeriod.Parse("2025-12"), (UsageSortOrder)42));
            await Assert.ThrowsAsync<ArgumentException>(() => reports.GetUserHistoryAsync(new string('x', 129)));
        });
    }
}
