using Microsoft.Extensions.DependencyInjection;
using TokenQuota.Storage;

namespace TokenQuota.PostgreSql.Tests;

/// <summary>Four service providers (four "app instances", each with its own pool) sharing one schema.</summary>
public class MultiInstanceInProcessTests : PostgresTestDatabase
{
    [Test]
    public async Task AFiftyPerHourProfileAdmitsFiftyPromptsAcrossInstancesNotFourTimesFifty()
    {
        var instances = await StartInstancesAsync(4);
        var profile = await instances[0].GetRequiredService<IConsumptionProfileManager>().CreateAsync(new NewConsumptionProfile { Name = "Fifty", PromptsPerHour = 50 });
        await instances[0].GetRequiredService<IConsumptionProfileManager>().AssignAsync("shared", profile.Id);

        var decisions = await Task.WhenAll(instances.SelectMany(i => Enumerable.Range(0, 40).Select(_ =>
            Task.Run(async () => await i.GetRequiredService<IRateLimitPolicy>().AcquirePromptAsync("shared")))));

        Assert.Multiple(async () =>
        {
            Assert.That(decisions.Count(d => d.IsAllowed), Is.EqualTo(50));
            Assert.That(await ScalarAsync<int>("SELECT request_count FROM tokenquota_rate_windows WHERE user_id = 'shared' AND window_key = 'prompts_hourly';"), Is.EqualTo(50));
        });
    }

    [Test]
    public async Task ConcurrentRecordsFromFourInstancesSumExactly()
    {
        var instances = await StartInstancesAsync(4);
        await Task.WhenAll(instances.SelectMany((instance, n) => Enumerable.Range(0, 500).Select(i =>
            Task.Run(async () => await instance.GetRequiredService<ITokenQuotaChecker>().RecordAsync($"user-{i % 5}", 3, 1)))));

        Assert.Multiple(async () =>
        {
            Assert.That(await ScalarAsync<long>("SELECT SUM(input_tokens_used) FROM user_token_usage;"), Is.EqualTo(4 * 500 * 3));
            Assert.That(await ScalarAsync<long>("SELECT SUM(output_tokens_used) FROM user_token_usage;"), Is.EqualTo(4 * 500));
            Assert.That(await ScalarAsync<long>("SELECT COUNT(*) FROM user_token_usage;"), Is.EqualTo(5));
        });
    }

    [Test]
    public async Task ReservationsFromFourInstancesHoldAHardCap()
    {
        var instances = await StartInstancesAsync(4);
        var results = await Task.WhenAll(instances.SelectMany(i => Enumerable.Range(0, 60).Select(_ =>
            Task.Run(async () =>
            {
                var result = await i.GetRequiredService<ITokenQuotaChecker>().ReserveAsync("capped", 1_000, 500);
                if (result.IsAllowed)
                {
                    await result.Reservation.CommitAsync(1_000, 400);
                }

                return result.IsAllowed;
            }))));

        Assert.Multiple(async () =>
        {
            Assert.That(results.Count(r => r), Is.EqualTo(100), "Free: 100,000 input and 50,000 output tokens, i.e. 100 holds of 1,000/500");
            Assert.That(await ScalarAsync<long>("SELECT input_tokens_used FROM user_token_usage WHERE user_id = 'capped';"), Is.EqualTo(100_000));
            Assert.That(await ScalarAsync<long>("SELECT output_tokens_used FROM user_token_usage WHERE user_id = 'capped';"), Is.EqualTo(40_000));
        });
    }

    [Test]
    public async Task AnInstancesAdminChangeReachesTheOthersCaches()
    {
        var instances = await StartInstancesAsync(2);
        var before = await instances[1].GetRequiredService<ITokenQuotaChecker>().GetStatusAsync("u");
        var pro = (await instances[0].GetRequiredService<IConsumptionProfileManager>().ListAsync()).Single(p => p.Name == "Pro");
        await instances[0].GetRequiredService<IConsumptionProfileManager>().AssignAsync("u", pro.Id);
        var after = await instances[1].GetRequiredService<ITokenQuotaChecker>().GetStatusAsync("u");

        Assert.Multiple(() =>
        {
            Assert.That(before.ProfileName, Is.EqualTo("Free"));
            Assert.That(after.ProfileName, Is.EqualTo("Pro"));
        });
    }

    private async Task<ServiceProvider[]> StartInstancesAsync(int count)
    {
        // Each instance with its own pool, capped so that four of them stay within the server's max_connections (300).
        var instances = Enumerable.Range(0, count)
            .Select(_ => BuildServices(null, null, builder => builder.UsePostgreSql(Backend.HostDatabase, o => o.Schema = Schema)))
            .ToArray();
        await instances[0].GetRequiredService<IQuotaStore>().MigrateAsync();
        return instances;
    }
}
