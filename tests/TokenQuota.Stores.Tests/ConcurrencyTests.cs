using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Stores.Tests;

/// <summary>
/// DESIGN §3 "Recording is one atomic SQL statement" and "Rate limits live in the store": many threads on one store
/// lose no update and never admit more than a limit (several OS processes: the store-specific test projects).
/// </summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class ConcurrencyTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    [Test]
    public async Task AThousandConcurrentRecordsForMixedUsersLoseNothing()
    {
        var services = await StartAsync();
        var checker = services.Checker;
        const int Calls = 1_000;
        var users = Enumerable.Range(0, 7).Select(i => $"user-{i}").ToArray();
        var expected = users.ToDictionary(u => u, _ => (Input: 0L, Output: 0L));
        var calls = new List<(string User, long Input, long Output)>();
        for (var i = 0; i < Calls; i++)
        {
            var call = (users[i % users.Length], (long)(i % 13) + 1, (long)(i % 5) * 1_000);
            calls.Add(call);
            expected[call.Item1] = (expected[call.Item1].Input + call.Item2, expected[call.Item1].Output + call.Item3);
        }

        using var gate = new ManualResetEventSlim(false);
        var tasks = calls.Select(c => Task.Run(async () =>
        {
            gate.Wait();
            await checker.RecordAsync(c.User, c.Input, c.Output);
        })).ToArray();
        gate.Set();
        await Task.WhenAll(tasks);

        var stored = Rows("SELECT user_id, input_tokens_used, output_tokens_used, total_tokens_used FROM user_token_usage WHERE period = '2025-12';")
            .ToDictionary(r => (string)r["user_id"]!, r => ((long)r["input_tokens_used"]!, (long)r["output_tokens_used"]!, (long)r["total_tokens_used"]!));
        Assert.Multiple(() =>
        {
            Assert.That(stored.Keys, Is.EquivalentTo(users));
            foreach (var user in users)
            {
                var (input, output) = expected[user];
                Assert.That(stored[user], Is.EqualTo((input, output, input + output)), user);
            }

            Assert.That(Scalar<long>("SELECT SUM(input_tokens_used) FROM user_token_usage;"), Is.EqualTo(calls.Sum(c => c.Input)));
            Assert.That(Scalar<long>("SELECT SUM(output_tokens_used) FROM user_token_usage;"), Is.EqualTo(calls.Sum(c => c.Output)));
        });
    }

    [Test]
    public async Task ConcurrentFirstUseMigratesOnceAndRecordsEverything()
    {
        var provider = BuildServices();
        var checker = provider.GetRequiredService<ITokenQuotaChecker>();

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () => await checker.RecordAsync($"user-{i % 3}", 10, 1))));

        Assert.Multiple(() =>
        {
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles;"), Is.EqualTo(4));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_schema_version;"), Is.EqualTo(Backend.LatestSchemaVersion));
            Assert.That(Scalar<long>("SELECT SUM(input_tokens_used) FROM user_token_usage;"), Is.EqualTo(500));
        });
    }

    [Test]
    public async Task ConcurrentPromptsNeverExceedTheHourlyLimit()
    {
        var services = await StartAsync();
        var profile = await services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Twenty", PromptsPerHour = 20, PromptsPerDay = 1_000 });
        await services.Profiles.AssignAsync("user-1", profile.Id);
        var rates = services.Rates;

        var decisions = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(async () => await rates.AcquirePromptAsync("user-1"))));

        Assert.Multiple(() =>
        {
            Assert.That(decisions.Count(d => d.IsAllowed), Is.EqualTo(20));
            Assert.That(decisions.Where(d => !d.IsAllowed).Select(d => d.RetryAfter), Is.All.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(Scalar<long>("SELECT request_count FROM tokenquota_rate_windows WHERE user_id = 'user-1' AND window_key = 'prompts_hourly';"), Is.EqualTo(20));
            Assert.That(Scalar<long>("SELECT request_count FROM tokenquota_rate_windows WHERE user_id = 'user-1' AND window_key = 'prompts_daily';"), Is.EqualTo(20));
        });
    }

    [Test]
    public async Task ConcurrentSetDefaultCallsLeaveExactlyOneDefault()
    {
        var services = await StartAsync();
        var ids = (await services.Profiles.ListAsync()).Select(p => p.Id).ToArray();
        var profiles = services.Profiles;

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () => await profiles.SetDefaultAsync(ids[i % ids.Length], "admin"))));

        Assert.Multiple(() =>
        {
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles WHERE is_default;"), Is.EqualTo(1));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles;"), Is.EqualTo(4));
        });
    }

    [Test]
    public async Task ConcurrentCreatesOfTheSameNameIgnoringCaseCreateOneProfile()
    {
        var services = await StartAsync();
        var profiles = services.Profiles;
        var names = new[] { "team", "Team", "TEAM", "tEaM" };

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            try
            {
                await profiles.CreateAsync(new NewConsumptionProfile { Name = names[i % names.Length] });
                return "created";
            }
            catch (ConsumptionProfileConflictException)
            {
                return "conflict";
            }
        })));

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Count(o => o == "created"), Is.EqualTo(1));
            Assert.That(outcomes.Count(o => o == "conflict"), Is.EqualTo(19));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles WHERE lower(name) = 'team';"), Is.EqualTo(1));
            Assert.That(AuditCount(), Is.EqualTo(1));
        });
    }

    private static int Admitted(string output)
    {
        var match = Regex.Match(output, @"admitted (\d+)");
        Assert.That(match.Success, Is.True, output);
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
