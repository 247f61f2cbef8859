namespace TokenQuota.Stores.Tests;

/// <summary>Extra limits on the reservation path: held estimates count until commit, release or expiry; commits charge what was used.</summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class ExtraLimitReservationTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    private static QuotaReservationOptions For(string model) => new() { ModelId = model };

    private async Task<Services> MeteredAsync(params string[] limits)
    {
        var s = await StartAsync();
        var profile = await s.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Metered", Limits = [.. limits.Select(QuotaLimit.Parse)] });
        await s.Profiles.AssignAsync("alice", profile.Id);
        return s;
    }

    [Test]
    public async Task ATokensPerMinuteLimitCountsLiveEstimatesAndIsCorrectedByTheCommit()
    {
        var s = await MeteredAsync("total_tokens/minute=1000@gpt-4o*");
        Clock.SetUtcNow(Start.AddSeconds(10));

        var first = await s.Checker.ReserveAsync("alice", 500, 100, For("gpt-4o"));
        var second = await s.Checker.ReserveAsync("alice", 400, 100, For("gpt-4o-mini"));
        var otherModel = await s.Checker.ReserveAsync("alice", 400, 100, For("claude-3-haiku"));
        await first.Reservation!.CommitAsync(250, 50);
        var third = await s.Checker.ReserveAsync("alice", 400, 100, For("gpt-4o"));
        var fourth = await s.Checker.ReserveAsync("alice", 100, 150, For("gpt-4o"));

        Assert.Multiple(() =>
        {
            Assert.That(first.IsAllowed, Is.True);
            Assert.That(second.IsAllowed, Is.False, "600 held + 500 asked > 1,000");
            Assert.That(second.Check.BindingLimit, Is.EqualTo(QuotaLimit.Parse("total_tokens/minute=1000@gpt-4o*")));
            Assert.That(second.Check.Message, Is.EqualTo("Per-minute total token quota for model 'gpt-4o*' exceeded. Limit: 1,000, used: 600, requested: 500."));
            Assert.That(second.Check.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(50)));
            Assert.That(second.Check.ResetsAt, Is.EqualTo(Start.AddMinutes(1)));
            Assert.That(otherModel.IsAllowed, Is.True, "the limit is for gpt-4o* only");
            Assert.That(third.IsAllowed, Is.True, "the commit replaced the 600 held by the 300 used: 300 + 500 fits");
            Assert.That(fourth.IsAllowed, Is.False, "300 used + 500 held + 250 asked > 1,000");
            Assert.That(Scalar<long>("SELECT count FROM tokenquota_limit_counters WHERE limit_key = 'total_tokens/minute@gpt-4o*';"), Is.EqualTo(300));
        });
    }

    [Test]
    public async Task ARetriedCommitChargesTheCountersOnce()
    {
        var s = await MeteredAsync("input_tokens/day=100000");
        var held = await s.Checker.ReserveAsync("alice", 100, 10, new QuotaReservationOptions { RequestId = "r-1" });

        await held.Reservation!.CommitAsync(70, 5);
        await s.Store.CommitReservationAsync("r-1", "alice", held.Reservation.Period, 70, 5, Clock.GetUtcNow());
        var again = await s.Store.CommitReservationWithCountersAsync(
            "r-1", "alice", held.Reservation.Period, 70, 5, Clock.GetUtcNow(), new Storage.LimitCounterUpdate(["input_tokens/day"], _ => throw new AssertionException("a repeated commit must not touch the counters")));

        Assert.Multiple(() =>
        {
            Assert.That(again, Is.EqualTo(ReservationCommitOutcome.AlreadyCommitted));
            Assert.That(Scalar<long>("SELECT count FROM tokenquota_limit_counters WHERE limit_key = 'input_tokens/day';"), Is.EqualTo(70));
        });
    }

    [Test]
    public async Task AnInFlightLimitCountsLiveReservationsAndFreesASlotOnCommitReleaseOrExpiry()
    {
        var s = await MeteredAsync("in_flight=2");
        var ttl = new QuotaReservationOptions { Ttl = TimeSpan.FromMinutes(1) };

        var a = await s.Checker.ReserveAsync("alice", 10, 10, ttl);
        var b = await s.Checker.ReserveAsync("alice", 10, 10, ttl);
        var refused = await s.Checker.ReserveAsync("alice", 10, 10, ttl);
        await a.Reservation!.ReleaseAsync();
        var afterRelease = await s.Checker.ReserveAsync("alice", 10, 10, ttl);
        await b.Reservation!.CommitAsync(5, 5);
        var afterCommit = await s.Checker.ReserveAsync("alice", 10, 10, ttl);
        var full = await s.Checker.ReserveAsync("alice", 10, 10, ttl);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var afterExpiry = await s.Checker.ReserveAsync("alice", 10, 10, ttl);
        var otherUser = await s.Checker.ReserveAsync("bob", 10, 10, ttl);

        Assert.Multiple(() =>
        {
            Assert.That(a.IsAllowed && b.IsAllowed, Is.True);
            Assert.That(refused.IsAllowed, Is.False);
            Assert.That(refused.Check.Message, Is.EqualTo("Concurrent request quota exceeded. Limit: 2, used: 2, requested: 1."));
            Assert.That(refused.Check.RetryAfter, Is.Null, "nobody knows when a slot frees");
            Assert.That(afterRelease.IsAllowed, Is.True, "a release frees its slot at once");
            Assert.That(afterCommit.IsAllowed, Is.True, "a commit frees its slot");
            Assert.That(full.IsAllowed, Is.False);
            Assert.That(afterExpiry.IsAllowed, Is.True, "expired reservations stop counting without any job");
            Assert.That(otherUser.IsAllowed, Is.True, "bob has no profile with the limit");
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_limit_counters;"), Is.Zero, "in flight is never counted in a counter");
        });
    }

    [Test]
    public async Task ConcurrentReservationsNeverHoldMoreThanTheLimit()
    {
        var s = await MeteredAsync("input_tokens/hour=10000@m1", "in_flight=1000");

        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => Task.Run(async () => await s.Checker.ReserveAsync("alice", 1_000, 0, For("m1")))));

        Assert.Multiple(() =>
        {
            Assert.That(results.Count(r => r.IsAllowed), Is.EqualTo(10), "exactly 10 × 1,000 fit in 10,000");
            Assert.That(results.Where(r => !r.IsAllowed).Select(r => r.Check.BindingLimit), Is.All.EqualTo(QuotaLimit.Parse("input_tokens/hour=10000@m1")));
        });
    }
}
