using System.Globalization;
using System.Text.RegularExpressions;

namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// Issue 4 §3 "Dead holder": a process holding reservations is killed with SIGKILL, so it never commits nor releases.
/// Until the TTL passes its holds still count, in this process and in another; once it passes, the capacity is back,
/// released lazily by the next read of that user. Time is driven through the clocks (the tests' FakeTimeProvider and
/// the TestHost's <c>--at</c>), never by sleeping.
/// </summary>
public partial class DeadHolderTests : SqliteTestDatabase
{
    [Test]
    public async Task ReservationsOfAKilledProcessHoldUntilTheirTtlThenTheCapacityComesBack()
    {
        var services = await StartAsync();
        var profile = await services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Cap", InputTokensPerMonth = 10_000 });
        await services.Profiles.AssignAsync("u", profile.Id);

        // The holder reserves the whole limit (4 x 2,500) with a 10-minute TTL at Start, then is SIGKILLed.
        using (var holder = TestHostProcess.Start("hold", DbPath, "u", "4", "2500", "10", "--at", UnixMs(Start)))
        {
            await holder.WaitForLineAsync(l => l == "held 4", "\"held 4\"");
            await holder.KillAsync();
        }

        Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_reservations WHERE user_id = 'u' AND state = 'held';"), Is.EqualTo(4), "the dead process's holds are in the file");

        // Within the TTL: this process sees the capacity held...
        Clock.SetUtcNow(Start.AddMinutes(10).AddMilliseconds(-1));
        var statusWithin = await services.Checker.GetStatusAsync("u");
        var hereWithin = await services.Checker.ReserveAsync("u", 1, 0);

        // ...and so does another process.
        var otherWithin = await ReserveInAnotherProcessAsync(Start.AddMinutes(9));

        // After the TTL: another process gets the capacity back (its reservation purges the expired holds), and so does this one.
        var otherAfter = await ReserveInAnotherProcessAsync(Start.AddMinutes(10));
        var heldAfterPurge = Scalar<long>("SELECT COUNT(*) FROM tokenquota_reservations WHERE user_id = 'u' AND state = 'held';");
        Clock.SetUtcNow(Start.AddMinutes(10));
        var statusAfter = await services.Checker.GetStatusAsync("u");
        var hereAfter = await services.Checker.ReserveAsync("u", 9_999, 0);

        Assert.Multiple(() =>
        {
            Assert.That(statusWithin.InputTokens.Reserved, Is.EqualTo(10_000));
            Assert.That(statusWithin.InputTokens.Used, Is.Zero);
            Assert.That(statusWithin.InputTokens.Remaining, Is.Zero);
            Assert.That(hereWithin.IsAllowed, Is.False);
            Assert.That(hereWithin.Message, Is.EqualTo("Input token quota exceeded. Limit: 10,000/month, Used: 0, Reserved: 10,000, Remaining: 0"));
            Assert.That(otherWithin, Is.EqualTo((0, 1)), "another process is denied within the TTL");
            Assert.That(otherAfter, Is.EqualTo((1, 0)), "another process is granted once the TTL passed");
            Assert.That(heldAfterPurge, Is.Zero, "the expired holds were purged lazily by that reservation; its own was committed");
            Assert.That(statusAfter.InputTokens.Reserved, Is.Zero, "no expired reservation is counted");
            Assert.That(statusAfter.InputTokens.Used, Is.EqualTo(1), "the other process committed 1 token");
            Assert.That(hereAfter.IsAllowed, Is.True, "the whole remaining capacity is back");
        });
        await hereAfter.Reservation!.DisposeAsync();
    }

    private static string UnixMs(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private async Task<(int Granted, int Denied)> ReserveInAnotherProcessAsync(DateTimeOffset at)
    {
        using var other = TestHostProcess.Start("reserve", DbPath, "u", "1", "1", "0", "1", "0", "--at", UnixMs(at));
        var (exitCode, output) = await other.WaitForExitAsync();
        Assert.That(exitCode, Is.Zero, output);
        var match = ReportLine().Match(output);
        Assert.That(match.Success, Is.True, output);
        return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"granted (\d+) denied (\d+)")]
    private static partial Regex ReportLine();
}
