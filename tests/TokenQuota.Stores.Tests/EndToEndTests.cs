using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Stores.Tests;

[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class EndToEndTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    [Test]
    public async Task FreeProfileLimitsAreEnforcedEndToEnd()
    {
        await using var provider = BuildServices();
        var checker = provider.GetRequiredService<ITokenQuotaChecker>();

        await checker.RecordAsync("user-1", 99_500, 1_000);
        var denied = await checker.CheckAsync("user-1", 501, 0);
        var allowed = await checker.CheckAsync("user-1", 500, 0);
        var status = await checker.GetStatusAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(denied.IsAllowed, Is.False);
            Assert.That(denied.Message, Is.EqualTo("Input token quota exceeded. Limit: 100,000/month, Used: 99,500, Remaining: 500"));
            Assert.That(allowed.IsAllowed, Is.True);
            Assert.That(status.ProfileName, Is.EqualTo("Free"));
            Assert.That(status.InputTokens.Used, Is.EqualTo(99_500));
            Assert.That(status.InputTokens.PercentageUsed, Is.EqualTo(99.5));
        });
    }
}
