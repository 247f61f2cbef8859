using Microsoft.Data.Sqlite;

namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// Data outlives the process: after the ServiceProvider is disposed (and every pooled connection closed), a new one
/// on the same file sees the totals, assignments, profiles and rate-window counts.
/// </summary>
public class DurabilityTests : SqliteTestDatabase
{
    [Test]
    public async Task UsageRecordedByAnotherProcessIsSeenHere()
    {
        var services = await StartAsync();
        Assert.That((await services.Checker.GetStatusAsync("user-1")).InputTokens.Used, Is.Zero);

        using var host = TestHostProcess.Start("record", DbPath, "user-1", "5", "--at", Start.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var result = await host.WaitForExitAsync();
        var status = await services.Checker.GetStatusAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.Output);
            Assert.That(status.InputTokens.Used, Is.EqualTo(5));
            Assert.That(status.OutputTokens.Used, Is.EqualTo(10));
        });
    }
}
