using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// DESIGN §3 "Recording is one atomic SQL statement" and "Rate limits live in the store": many threads and several OS
/// processes on one file lose no update and never admit more than a limit.
/// </summary>
public class ConcurrencyTests : SqliteTestDatabase
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
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_schema_version;"), Is.EqualTo(SqliteQuotaStore.LatestSchemaVersion));
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
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles WHERE is_default = 1;"), Is.EqualTo(1));
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
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles WHERE name = 'team' COLLATE NOCASE;"), Is.EqualTo(1));
            Assert.That(AuditCount(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task TwoProcessesRecordingForTheSameUserAtOnceLoseNothing()
    {
        var services = await StartAsync();
        const int PerProcess = 150;
        var goFile = Path.Combine(Folder, "go");
        var at = Start.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var count = PerProcess.ToString(CultureInfo.InvariantCulture);
        using var first = TestHostProcess.Start("record", DbPath, "shared-user", count, "--at", at, "--go", goFile);
        using var second = TestHostProcess.Start("record", DbPath, "shared-user", count, "--at", at, "--go", goFile);
        await first.WaitUntilReadyAsync();
        await second.WaitUntilReadyAsync();
        await File.WriteAllTextAsync(goFile, "go");

        // This process records into the same row too, while the other two do.
        for (var i = 0; i < PerProcess; i++)
        {
            await services.Checker.RecordAsync("shared-user", 1, 2);
        }

        var firstResult = await first.WaitForExitAsync();
        var secondResult = await second.WaitForExitAsync();

        var rows = Rows("SELECT period, input_tokens_used, output_tokens_used, total_tokens_used FROM user_token_usage WHERE user_id = 'shared-user';");
        Assert.Multiple(() =>
        {
            Assert.That(firstResult.ExitCode, Is.Zero, firstResult.Output);
            Assert.That(secondResult.ExitCode, Is.Zero, secondResult.Output);
            Assert.That(rows, Has.Count.EqualTo(1));
            Assert.That(rows[0]["period"], Is.EqualTo("2025-12"));
            Assert.That(rows[0]["input_tokens_used"], Is.EqualTo(3L * PerProcess));
            Assert.That(rows[0]["output_tokens_used"], Is.EqualTo(6L * PerProcess));
            Assert.That(rows[0]["total_tokens_used"], Is.EqualTo(9L * PerProcess));
        });
    }

    [Test]
    public async Task ThreeProcessesAcquiringPromptsAtOnceShareOneHourlyLimit()
    {
        var services = await StartAsync();
        var profile = await services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Twenty", PromptsPerHour = 20, PromptsPerDay = 1_000 });
        await services.Profiles.AssignAsync("shared-user", profile.Id);
        Clock.SetUtcNow(Start.AddMinutes(30));
        var goFile = Path.Combine(Folder, "go");
        var at = Clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        using var first = TestHostProcess.Start("acquire", DbPath, "shared-user", "15", "--at", at, "--go", goFile);
        using var second = TestHostProcess.Start("acquire", DbPath, "shared-user", "15", "--at", at, "--go", goFile);
        await first.WaitUntilReadyAsync();
        await second.WaitUntilReadyAsync();
        await File.WriteAllTextAsync(goFile, "go");

        var here = 0;
        for (var i = 0; i < 15; i++)
        {
            here += (await services.Rates.AcquirePromptAsync("shared-user")).IsAllowed ? 1 : 0;
        }

        var firstResult = await first.WaitForExitAsync();
        var secondResult = await second.WaitForExitAsync();
        var admitted = here + Admitted(firstResult.Output) + Admitted(secondResult.Output);

        Assert.Multiple(() =>
        {
            Assert.That(firstResult.ExitCode, Is.Zero, firstResult.Output);
            Assert.That(secondResult.ExitCode, Is.Zero, secondResult.Output);
            Assert.That(admitted, Is.EqualTo(20), "45 attempts from three processes against one limit of 20");
            Assert.That(Scalar<long>("SELECT request_count FROM tokenquota_rate_windows WHERE user_id = 'shared-user' AND window_key = 'prompts_hourly';"), Is.EqualTo(20));
            Assert.That(Scalar<long>("SELECT request_count FROM tokenquota_rate_windows WHERE user_id = 'shared-user' AND window_key = 'prompts_daily';"), Is.EqualTo(20));
        });
    }

    private static int Admitted(string output)
    {
        var match = Regex.Match(output, @"admitted (\d+)");
        Assert.That(match.Success, Is.True, output);
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
