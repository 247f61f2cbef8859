using System.Globalization;

namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// Issue 4 §3 "Exact recording across processes": <see cref="ITokenQuotaChecker.RecordAsync"/> is one atomic
/// insert-or-add statement, so thousands of concurrent calls from several OS processes lose no addition.
/// </summary>
public class MultiProcessRecordingTests : SqliteTestDatabase
{
    private const int CallsPerProcess = 2_500;

    /// <summary>What each process records per call; distinct per process so a lost or doubled call would show.</summary>
    private static readonly (long Input, long Output)[] PerCall = [(1, 2), (3, 5), (7, 11), (13, 17)];

    [Test]
    public async Task FourProcessesRecordingConcurrentlyStoreTheExactSum()
    {
        await StartAsync();
        var at = Start.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var count = CallsPerProcess.ToString(CultureInfo.InvariantCulture);

        var hosts = await TestHostProcess.StartTogetherAsync(
            Path.Combine(Folder, "go"),
            PerCall.Select(c => new[]
            {
                "record-many", DbPath, "shared-user", count, c.Input.ToString(CultureInfo.InvariantCulture), c.Output.ToString(CultureInfo.InvariantCulture), "--at", at,
            }));
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

        var expectedInput = PerCall.Sum(c => c.Input * CallsPerProcess);
        var expectedOutput = PerCall.Sum(c => c.Output * CallsPerProcess);
        var rows = Rows("SELECT period, input_tokens_used, output_tokens_used, total_tokens_used FROM user_token_usage WHERE user_id = 'shared-user';");
        await TestContext.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"exact recording: {PerCall.Length} processes x {CallsPerProcess:N0} concurrent RecordAsync = {PerCall.Length * CallsPerProcess:N0} calls; stored input {rows[0]["input_tokens_used"]:N0} (expected {expectedInput:N0}), output {rows[0]["output_tokens_used"]:N0} (expected {expectedOutput:N0})"));

        Assert.Multiple(() =>
        {
            foreach (var result in results)
            {
                Assert.That(result.ExitCode, Is.Zero, result.Output);
                Assert.That(result.Output, Does.Contain($"recorded {count}"));
            }

            Assert.That(rows, Has.Count.EqualTo(1));
            Assert.That(rows[0]["period"], Is.EqualTo("2025-12"));
            Assert.That(rows[0]["input_tokens_used"], Is.EqualTo(expectedInput));
            Assert.That(rows[0]["output_tokens_used"], Is.EqualTo(expectedOutput));
            Assert.That(rows[0]["total_tokens_used"], Is.EqualTo(expectedInput + expectedOutput));
        });
    }
}
