using Microsoft.Extensions.Time.Testing;
using TokenQuota.Storage;

namespace TokenQuota.Tests;

public class CommittedReservationRetentionTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task RunAsync_DeletesBatchAfterBatchUntilOneComesBackShort()
    {
        var clock = new FakeTimeProvider(Start);
        var remaining = CommittedReservationRetention.BatchSize * 2 + 7;
        var calls = new List<(long Cutoff, int Limit)>();
        using var retention = new CommittedReservationRetention(clock, (cutoff, limit, _) =>
        {
            calls.Add((cutoff, limit));
            var deleted = Math.Min(limit, remaining);
            remaining -= deleted;
            return ValueTask.FromResult(deleted);
        });

        var forgotten = await retention.RunAsync();

        Assert.Multiple(() =>
        {
            Assert.That(forgotten, Is.EqualTo(CommittedReservationRetention.BatchSize * 2 + 7));
            Assert.That(calls, Has.Count.EqualTo(3));
            Assert.That(calls.Select(c => c.Limit), Is.All.EqualTo(CommittedReservationRetention.BatchSize));
            Assert.That(calls.Select(c => c.Cutoff), Is.All.EqualTo((Start - CommittedReservationRetention.KeptFor).ToUnixTimeMilliseconds()));
        });
    }

    [Test]
    public async Task RunAsync_AFailedPassReportsNothingAndTheNextPassRunsAgain()
    {
        var clock = new FakeTimeProvider(Start);
        var fail = true;
        using var retention = new CommittedReservationRetention(clock, (_, _, _) =>
            fail ? throw new InvalidOperationException("store down") : ValueTask.FromResult(3));

        var failed = await retention.RunAsync();
        fail = false;
        var next = await retention.RunAsync();

        Assert.That((failed, next), Is.EqualTo((0, 3)));
    }

    [Test]
    public void EnsureStarted_RunsAPassEveryIntervalOnTheClockAndOnlyOneTimer()
    {
        var clock = new FakeTimeProvider(Start);
        var passes = new List<long>();
        using var retention = new CommittedReservationRetention(clock, (cutoff, _, _) =>
        {
            passes.Add(cutoff);
            return ValueTask.FromResult(0);
        });

        retention.EnsureStarted();
        retention.EnsureStarted();
        clock.Advance(CommittedReservationRetention.Interval - TimeSpan.FromMilliseconds(1));
        var beforeTheInterval = passes.Count;
        clock.Advance(TimeSpan.FromMilliseconds(1));
        clock.Advance(CommittedReservationRetention.Interval);

        Assert.Multiple(() =>
        {
            Assert.That(beforeTheInterval, Is.Zero);
            Assert.That(passes, Is.EqualTo(new[]
            {
                (Start + CommittedReservationRetention.Interval - CommittedReservationRetention.KeptFor).ToUnixTimeMilliseconds(),
                (Start + (2 * CommittedReservationRetention.Interval) - CommittedReservationRetention.KeptFor).ToUnixTimeMilliseconds(),
            }));
        });
    }

    [Test]
    public void Dispose_StopsThePasses()
    {
        var clock = new FakeTimeProvider(Start);
        var passes = 0;
        var retention = new CommittedReservationRetention(clock, (_, _, _) =>
        {
            passes++;
            return ValueTask.FromResult(0);
        });
        retention.EnsureStarted();

        retention.Dispose();
        retention.EnsureStarted();
        clock.Advance(CommittedReservationRetention.Interval * 3);

        Assert.That(passes, Is.Zero);
    }
}
