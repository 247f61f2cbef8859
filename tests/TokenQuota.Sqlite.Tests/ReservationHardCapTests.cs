using System.Globalization;
using System.Text.RegularExpressions;

namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// Issue 4 §3 "Hard cap across processes": reservations are judged and held in one atomic store step that counts every
/// live reservation, so OS processes sharing one SQLite file can never commit more than the limit when each commit is
/// at or below its estimate.
/// </summary>
public partial class ReservationHardCapTests : SqliteTestDatabase
{
    private const int Processes = 4;
    private const int ReservationsPerProcess = 250;
    private const long InputLimit = 100_000;
    private const long OutputLimit = 40_000;
    private const long EstimatedInput = 1_000;
    private const long EstimatedOutput = 400;

    /// <summary>What each process commits for each granted reservation: all at or below the estimate (1,000 / 400).</summary>
    private static readonly (long Input, long Output)[] Commits = [(1_000, 400), (900, 300), (600, 400), (250, 0)];

    [Test]
    public async Task FourProcessesReservingConcurrentlyNeverCommitMoreThanTheLimit()
    {
        var services = await StartAsync();
        var profile = await services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Cap", InputTokensPerMonth = InputLimit, OutputTokensPerMonth = OutputLimit });
        await services.Profiles.AssignAsync("capped-user", profile.Id);
        var at = Start.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

        var hosts = await TestHostProcess.StartTogetherAsync(
            Path.Combine(Folder, "go"),
            Commits.Select(c => Args("reserve", DbPath, "capped-user", ReservationsPerProcess, EstimatedInput, EstimatedOutput, c.Input, c.Output, "--at", at)));
        var results = new List<(int ExitCode, string Output)>();
        try
        {
            foreach (var host in hosts)
            {
                results.Add(await host.WaitForExitAsync());
            }
        }
        finally
        {
            foreach (var host in hosts)
            {
                host.Dispose();
            }
        }

        var reports = results.Select(r => Parse(r.Output)).ToArray();
        var granted = reports.Sum(r => r.Granted);
        var denied = reports.Sum(r => r.Denied);
        var expectedInput = reports.Select((r, i) => r.Granted * Commits[i].Input).Sum();
        var expectedOutput = reports.Select((r, i) => r.Granted * Commits[i].Output).Sum();
        var storedInput = Scalar<long>("SELECT input_tokens_used FROM user_token_usage WHERE user_id = 'capped-user' AND period = '2025-12';");
        var storedOutput = Scalar<long>("SELECT output_tokens_used FROM user_token_usage WHERE user_id = 'capped-user' AND period = '2025-12';");
        await TestContext.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"hard cap: {Processes} processes x {ReservationsPerProcess} concurrent reservations; granted {granted}, denied {denied}; committed input {storedInput:N0}/{InputLimit:N0}, output {storedOutput:N0}/{OutputLimit:N0}"));

        Assert.Multiple(() =>
        {
            foreach (var result in results)
            {
                Assert.That(result.ExitCode, Is.Zero, result.Output);
            }

            Assert.That(granted + denied, Is.EqualTo(Processes * ReservationsPerProcess));
            Assert.That(granted, Is.GreaterThanOrEqualTo(InputLimit / EstimatedInput), "no denial can happen before 100 estimates are held");
            Assert.That(denied, Is.Positive, "1,000 attempts of 1,000 tokens against 100,000 must contend for the limit");
            Assert.That(storedInput, Is.LessThanOrEqualTo(InputLimit), "the hard cap on input");
            Assert.That(storedOutput, Is.LessThanOrEqualTo(OutputLimit), "the hard cap on output");
            Assert.That(storedInput, Is.EqualTo(expectedInput), "exactly the sum of the granted reservations' commits");
            Assert.That(storedOutput, Is.EqualTo(expectedOutput), "exactly the sum of the granted reservations' commits");
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_reservations WHERE state = 'held';"), Is.Zero, "every granted reservation was committed");
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_reservations WHERE state = 'committed';"), Is.EqualTo(granted));
        });
    }

    [Test]
    public async Task CommitsAboveTheEstimateOvershootByAtMostTheSumOfTheExcesses()
    {
        var services = await StartAsync();
        var profile = await services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Cap", InputTokensPerMonth = 10_000, OutputTokensPerMonth = null });
        await services.Profiles.AssignAsync("u", profile.Id);
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(async () => await services.Checker.ReserveAsync("u", 1_000, 0))));
        var granted = results.Where(r => r.IsAllowed).Select(r => r.Reservation!).ToArray();
        long excess = 0;
        for (var i = 0; i < granted.Length; i++)
        {
            var actual = i % 3 == 0 ? 1_250 : 800;
            excess += Math.Max(0, actual - 1_000);
            await granted[i].CommitAsync(actual, 0);
        }

        var stored = Scalar<long>("SELECT input_tokens_used FROM user_token_usage WHERE user_id = 'u';");
        Assert.Multiple(() =>
        {
            Assert.That(granted, Has.Length.EqualTo(10), "only 10 holds of 1,000 fit in 10,000");
            Assert.That(excess, Is.EqualTo(4 * 250));
            Assert.That(stored, Is.LessThanOrEqualTo(10_000 + excess), "overshoot bound: limit + sum of (actual - estimate) over the commits above their estimate");
            Assert.That(stored, Is.EqualTo((4 * 1_250) + (6 * 800)));
        });
    }

    private static string[] Args(params object[] args) => args.Select(a => Convert.ToString(a, CultureInfo.InvariantCulture)!).ToArray();

    private static (int Granted, int Denied) Parse(string output)
    {
        var match = ReportLine().Match(output);
        Assert.That(match.Success, Is.True, output);
        return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"granted (\d+) denied (\d+) committed")]
    private static partial Regex ReportLine();
}
