using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace TokenQuota.Sqlite.Tests;

public class EndToEndTests
{
    private string directory = null!;

    [SetUp]
    public void SetUp()
    {
        directory = Path.Combine(Path.GetTempPath(), "tokenquota-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Test]
    public async Task FreeProfileLimitsAreEnforcedEndToEnd()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 12, 5, 10, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddTokenQuotas().UseSqlite($"Data Source={Path.Combine(directory, "quota.db")}");
        await using var provider = services.BuildServiceProvider();
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
