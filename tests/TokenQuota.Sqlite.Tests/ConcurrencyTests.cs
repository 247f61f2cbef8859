using System.Globalization;

namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// DESIGN §3 "Recording is one atomic SQL statement": OS processes recording one after another into one file while this
/// one does lose no update (in-process concurrency: TokenQuota.Stores.Tests; four processes: SqliteMultiProcessTests).
/// </summary>
public class ConcurrencyTests : SqliteTestDatabase
{
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
}
