using Microsoft.Extensions.DependencyInjection;
using TokenQuota.Storage;

namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// The SQLite store keeps a user's two prompt windows in one row (<c>tokenquota_prompt_windows</c>) and every other
/// window in a table by key, yet keeps the contract of <see cref="IQuotaStore.TryChargeRateWindowsAsync"/> for any set
/// of windows: one counter per user and window, whichever windows a request carries, all charged or none.
/// </summary>
public class PromptWindowLayoutTests : SqliteTestDatabase
{
    private const long Hour = 1_764_932_400;
    private const long Day = 1_764_892_800;

    private long version;

    [Test]
    public async Task APromptWindowChargedAloneOrWithOthersIsOneCounter()
    {
        var store = await StoreAsync();

        var daily = await store.TryChargeRateWindowsAsync("user-1", [new(RateLimitWindow.PromptsPerDay, Day, 10, version)]);
        var both = await store.TryChargeRateWindowsAsync("user-1", [new(RateLimitWindow.PromptsPerHour, Hour, 10, version), new(RateLimitWindow.PromptsPerDay, Day, 10, version)]);
        var hourlyAndConfig = await store.TryChargeRateWindowsAsync("user-1", [new(RateLimitWindow.PromptsPerHour, Hour, 10, version), new(RateLimitWindow.ConfigChangesPerHour, Hour, 10, version)]);

        Assert.Multiple(() =>
        {
            Assert.That((daily.Charged, daily.Counts), Is.EqualTo((true, new[] { 1 })));
            Assert.That((both.Charged, both.Counts), Is.EqualTo((true, new[] { 1, 2 })));
            Assert.That((hourlyAndConfig.Charged, hourlyAndConfig.Counts), Is.EqualTo((true, new[] { 2, 1 })));
            Assert.That(Windows(), Is.EqualTo(new[] { $"config_hourly {Hour} 1", $"prompts_daily {Day} 2", $"prompts_hourly {Hour} 2" }));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_prompt_windows;"), Is.EqualTo(1), "one row per user for both prompt windows");
        });
    }

    [Test]
    public async Task ARequestRefusedByAWindowByKeyChargesNoPromptWindowEither()
    {
        var store = await StoreAsync();
        RateWindowCharge[] request = [new(RateLimitWindow.PromptsPerHour, Hour, 10, version), new(RateLimitWindow.PromptsPerDay, Day, 10, version), new(RateLimitWindow.ConfigChangesPerHour, Hour, 1, version)];

        var first = await store.TryChargeRateWindowsAsync("user-1", request);
        var second = await store.TryChargeRateWindowsAsync("user-1", request);

        Assert.Multiple(() =>
        {
            Assert.That((first.Charged, first.Counts), Is.EqualTo((true, new[] { 1, 1, 1 })));
            Assert.That((second.Charged, second.Counts), Is.EqualTo((false, new[] { 1, 1, 1 })));
            Assert.That(Windows(), Is.EqualTo(new[] { $"config_hourly {Hour} 1", $"prompts_daily {Day} 1", $"prompts_hourly {Hour} 1" }));
        });
    }

    [Test]
    public async Task ANewWindowStartsItsPromptCounterAgainAndLeavesTheOtherPromptWindow()
    {
        var store = await StoreAsync();
        await store.TryChargeRateWindowsAsync("user-1", [new(RateLimitWindow.PromptsPerHour, Hour, 10, version), new(RateLimitWindow.PromptsPerDay, Day, 10, version)]);
        await store.TryChargeRateWindowsAsync("user-1", [new(RateLimitWindow.PromptsPerHour, Hour, 10, version), new(RateLimitWindow.PromptsPerDay, Day, 10, version)]);

        var nextHour = await store.TryChargeRateWindowsAsync("user-1", [new(RateLimitWindow.PromptsPerHour, Hour + 3600, 10, version), new(RateLimitWindow.PromptsPerDay, Day, 10, version)]);

        Assert.Multiple(() =>
        {
            Assert.That((nextHour.Charged, nextHour.Counts), Is.EqualTo((true, new[] { 1, 3 })));
            Assert.That(Windows(), Is.EqualTo(new[] { $"prompts_daily {Day} 3", $"prompts_hourly {Hour + 3600} 1" }));
        });
    }

    private async Task<IQuotaStore> StoreAsync()
    {
        await StartAsync();
        var store = BuildServices().GetRequiredService<IQuotaStore>();
        version = await store.GetConfigurationVersionAsync();
        return store;
    }

    private string[] Windows() =>
        Rows("SELECT window_key, window_start, request_count FROM tokenquota_rate_windows WHERE user_id = 'user-1' ORDER BY window_key;")
            .Select(r => $"{r["window_key"]} {r["window_start"]} {r["request_count"]}")
            .ToArray();
}
