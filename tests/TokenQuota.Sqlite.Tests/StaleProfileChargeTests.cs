using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using TokenQuota.Storage;

namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// The prompt path judges with cached profiles and no separate version read: the charge carries the configuration
/// version the limits were resolved against, and the store, reading its version in the same write transaction, refuses
/// a stale charge (writing nothing) so the core resolves again. A profile lowered by another instance therefore applies
/// to the very next attempt, exactly as when every attempt read the version first.
/// </summary>
/// <remarks>Self-contained (no shared base class), so it does not depend on the test helpers being moved between projects.</remarks>
public class StaleProfileChargeTests
{
    private string folder = null!;

    [SetUp]
    public void CreateFolder()
    {
        folder = Path.Combine(Path.GetTempPath(), "tokenquota-stale-profile-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
    }

    [TearDown]
    public void DeleteFolder()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Test]
    public async Task AProfileLoweredByAnotherInstanceAppliesToTheNextAttemptAndTheStaleChargeWritesNothing()
    {
        await using var first = Build();
        await using var second = Build();
        await first.GetRequiredService<IQuotaStore>().MigrateAsync();
        var profiles = second.GetRequiredService<IConsumptionProfileManager>();
        var bench = await profiles.CreateAsync(new NewConsumptionProfile { Name = "Team", PromptsPerHour = 100, PromptsPerDay = 1000, IsDefault = true });

        var rates = first.GetRequiredService<IRateLimitPolicy>();
        for (var i = 0; i < 3; i++)
        {
            Assert.That((await rates.AcquirePromptAsync("user-1")).IsAllowed, Is.True, "warm: the profile is cached and the store reports versions");
        }

        // Another instance lowers the limit below what was already used this hour.
        await profiles.UpdateAsync(bench.Id, new ConsumptionProfileUpdate { PromptsPerHour = 2 });

        var decision = await rates.AcquirePromptAsync("user-1");
        Assert.Multiple(() =>
        {
            Assert.That(decision.IsAllowed, Is.False, "the lowered limit applies to the next attempt");
            Assert.That(decision.Limit, Is.EqualTo(2));
        });
        Assert.That(HourlyCount("user-1"), Is.EqualTo(3), "neither the stale attempt nor the refused one charged the window");

        // Raised again: the next attempt is judged against the new limit and charged once.
        await profiles.UpdateAsync(bench.Id, new ConsumptionProfileUpdate { PromptsPerHour = 10 });
        Assert.That((await rates.AcquirePromptAsync("user-1")).IsAllowed, Is.True);
        Assert.That(HourlyCount("user-1"), Is.EqualTo(4));
    }

    private ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddTokenQuotas().UseSqlite($"Data Source={Path.Combine(folder, "quota.db")}");
        return services.BuildServiceProvider();
    }

    private long HourlyCount(string userId)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "quota.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT request_count FROM tokenquota_rate_windows WHERE user_id = $u AND window_key = 'prompts_hourly';";
        command.Parameters.AddWithValue("$u", userId);
        return (long)command.ExecuteScalar()!;
    }
}
