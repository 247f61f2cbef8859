using Microsoft.Extensions.Time.Testing;
using TokenQuota.Storage;

namespace TokenQuota.Tests;

public class ReservationRetentionPassTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task RunAsyncDeletesBatchAfterBatchUntilOneComesBackShort()
    {
        var clock = new FakeTimeProvider(Start);
        var remaining = ReservationRetention.BatchSize * 2 + 7;
        var calls = new List<(long Cutoff, int Limit)>();
        using var retention = new ReservationRetention(clock, (cutoff, limit, _) =>
        {
            calls.Add((cutoff, limit));
            var deleted = Math.Min(limit, remaining);
            remaining -= deleted;
            return ValueTask.FromResult(deleted);
        });

        var forgotten = await retention.RunAsync();

        Assert.Multiple(() =>
        {
            Assert.That(forgotten, Is.EqualTo(ReservationRetention.BatchSize * 2 + 7));
            Assert.That(calls, Has.Count.EqualTo(3));
            Assert.That(calls.Select(c => c.Limit), Is.All.EqualTo(ReservationRetention.BatchSize));
            Assert.That(calls.Select(c => c.Cutoff), Is.All.EqualTo((Start - ReservationRetention.KeptFor).ToUnixTimeMilliseconds()));
        });
    }

    [Test]
    public async Task RunAsyncSweepsExpiredHoldsBatchAfterBatchOfUsersAndReportsEachBatchsHolds()
    {
        var clock = new FakeTimeProvider(Start);
        var usersLeft = ReservationRetention.BatchSize + 4;
        var sweeps = new List<(long Now, int Limit)>();
        var reported = new List<int>();
        using var retention = new ReservationRetention(
            clock,
            (_, _, _) => ValueTask.FromResult(0),
            (now, limit, _) =>
            {
                sweeps.Add((now, limit));
                var users = Math.Min(limit, usersLeft);
                usersLeft -= users;
                return ValueTask.FromResult(new ExpiredHoldsSweep(users, users * 2));
            },
            reported.Add);

        await retention.RunAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sweeps, Is.EqualTo(new[] { ((Start - ReservationRetention.KeptFor).ToUnixTimeMilliseconds(), ReservationRetention.BatchSize), ((Start - ReservationRetention.KeptFor).ToUnixTimeMilliseconds(), ReservationRetention.BatchSize) }));
            Assert.That(reported, Is.EqualTo(new[] { ReservationRetention.BatchSize * 2, 8 }));
        });
    }

    [Test]
    public async Task RunAsyncAFailedSweepDoesNotHideTheCommittedRowsForgotten()
    {
        var clock = new FakeTimeProvider(Start);
        using var retention = new ReservationRetention(clock, (_, _, _) => ValueTask.FromResult(3), (_, _, _) => throw new InvalidOperationException("store down"));

        Assert.That(await retention.RunAsync(), Is.EqualTo(3));
    }

    [Test]
    public async Task RunAsyncAFailedPassReportsNothingAndTheNextPassRunsAgain()
    {
        var clock = new FakeTimeProvider(Start);
        var fail = true;
        using var retention = new ReservationRetention(clock, (_, _, _) =>
            fail ? throw new InvalidOperationException("store down") : ValueTask.FromResult(3));

        var failed = await retention.RunAsync();
        fail = false;
        var next = await retention.RunAsync();

        Assert.That((failed, next), Is.EqualTo((0, 3)));
    }

    [Test]
    public void EnsureStartedRunsAPassEveryIntervalOnTheClockAndOnlyOneTimer()
    {
        var clock = new FakeTimeProvider(Start);
        var passes = new List<long>();
        using var retention = new ReservationRetention(clock, (cutoff, _, _) =>
        {
            passes.Add(cutoff);
            return ValueTask.FromResult(0);
        });

        retention.EnsureStarted();
        retention.EnsureStarted();
        clock.Advance(ReservationRetention.Interval - TimeSpan.FromMilliseconds(1));
        var beforeTheInterval = passes.Count;
        clock.Advance(TimeSpan.FromMilliseconds(1));
        clock.Advance(ReservationRetention.Interval);

        Assert.Multiple(() =>
        {
            Assert.That(beforeTheInterval, Is.Zero);
            Assert.That(passes, Is.EqualTo(new[]
            {
                (Start + ReservationRetention.Interval - ReservationRetention.KeptFor).ToUnixTimeMilliseconds(),
                (Start + (2 * ReservationRetention.Interval) - ReservationRetention.KeptFor).ToUnixTimeMilliseconds(),
            }));
        });
    }

    [Test]
    public void DisposeStopsThePasses()
    {
        var clock = new FakeTimeProvider(Start);
        var passes = 0;
        var retention = new ReservationRetention(clock, (_, _, _) =>
        {
            passes++;
            return ValueTask.FromResult(0);
        });
        retention.EnsureStarted();

        retention.Dispose();
        retention.EnsureStarted();
        clock.Advance(ReservationRetention.Interval * 3);

        Assert.That(passes, Is.Zero);
    }
}
