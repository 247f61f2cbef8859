using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// Issue 4 §3 "Crash during writes": a process recording in a loop is killed with SIGKILL in the middle of its load,
/// 20 times. Every RecordAsync that returned (the host prints "acked &lt;user&gt;;" only after it returned, and each
/// record has its own user id) must be in the file after the restart, and <c>PRAGMA integrity_check</c> must say ok.
/// WAL with <c>synchronous=NORMAL</c> is durable against a process crash (the OS still holds the written pages).
/// </summary>
public partial class CrashDuringWritesTests : SqliteTestDatabase
{
    private const int Rounds = 20;
    private const int Workers = 4;

    [Test]
    public async Task EveryAcknowledgedRecordSurvivesASigkillMidLoad()
    {
        await (await StartAsync()).Provider.DisposeAsync();
        SqliteConnection.ClearAllPools();
        var random = new Random(4242);
        var at = Start.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var acknowledgedChecked = 0;
        var storedTotal = 0L;
        var lost = new List<string>();

        // The host of the next round boots (and waits for its go-file) while this round runs, so a round costs its load,
        // not a runtime start-up.
        TestHostProcess StartRound(int round) => TestHostProcess.Start(
            "record-loop", DbPath, string.Create(CultureInfo.InvariantCulture, $"r{round}"), Workers.ToString(CultureInfo.InvariantCulture), "--at", at, "--go", GoFile(round));
        var next = StartRound(0);
        for (var round = 0; round < Rounds; round++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"r{round}");
            IReadOnlyList<string> lines;
            using (var host = next)
            {
                await host.WaitUntilReadyAsync();
                next = round + 1 < Rounds ? StartRound(round + 1) : null!;
                await File.WriteAllTextAsync(GoFile(round), "go");
                await host.WaitForLineAsync(l => l.StartsWith("acked ", StringComparison.Ordinal), "a first acknowledged record");
                await Task.Delay(random.Next(150, 300));
                await host.KillAsync();
                lines = host.StdoutLines;
            }

            // Only complete lines count as acknowledgements (a line cut by the kill has no ';').
            var acked = lines.Select(l => AckedLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
            Assert.That(acked, Is.Not.Empty, $"round {round}: the load ran before the kill");

            // The restart: a fresh store on the file, after the crash.
            Assert.That(Scalar<string>("PRAGMA integrity_check;"), Is.EqualTo("ok"), $"round {round}");
            var stored = Rows($"SELECT user_id, input_tokens_used, output_tokens_used FROM user_token_usage WHERE user_id LIKE '{prefix}-%';")
                .ToDictionary(r => (string)r["user_id"]!, r => ((long)r["input_tokens_used"]!, (long)r["output_tokens_used"]!));
            lost.AddRange(acked.Where(user => !stored.ContainsKey(user)));
            Assert.That(stored.Values, Is.All.EqualTo((1L, 2L)), $"round {round}: each record was applied exactly once");
            Assert.That(stored, Has.Count.GreaterThanOrEqualTo(acked.Count), $"round {round}: stored ≥ acknowledged");

            var restarted = BuildServices();
            var checker = restarted.GetRequiredService<ITokenQuotaChecker>();
            Clock.SetUtcNow(Start);
            var last = await checker.GetStatusAsync(acked[^1]);
            Assert.That((last.InputTokens.Used, last.OutputTokens.Used), Is.EqualTo((1L, 2L)), $"round {round}: the last acknowledged record, read through the library");
            await restarted.DisposeAsync();
            SqliteConnection.ClearAllPools();

            acknowledgedChecked += acked.Count;
            storedTotal += stored.Count;
        }

        await TestContext.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"crash during writes: {Rounds} rounds of SIGKILL, {Workers} concurrent writers each; {acknowledgedChecked:N0} acknowledged records checked, {storedTotal:N0} stored, {lost.Count} lost; integrity_check ok after every round"));
        Assert.That(lost, Is.Empty, "acknowledged records lost after a crash");
        Assert.That(acknowledgedChecked, Is.GreaterThanOrEqualTo(Rounds), "every round acknowledged records before the kill");
    }

    private string GoFile(int round) => Path.Combine(Folder, string.Create(CultureInfo.InvariantCulture, $"go-{round}"));

    [GeneratedRegex(@"^acked (\S+);$")]
    private static partial Regex AckedLine();
}
