using Microsoft.Extensions.DependencyInjection;
using TokenQuota.Storage;

namespace TokenQuota.Stores.Tests;

[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class ReservationTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    [Test]
    public async Task ConcurrentReservationsNeverHoldMoreThanTheLimit()
    {
        var s = await StartAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(async () => await s.Checker.ReserveAsync("u", 1_000, 0))));
        var granted = results.Where(r => r.IsAllowed).ToArray();
        foreach (var result in granted)
        {
            await result.Reservation!.CommitAsync(900, 0);
        }

        Assert.Multiple(() =>
        {
            Assert.That(granted, Has.Length.EqualTo(100), "Free allows 100,000 input tokens: exactly 100 holds of 1,000");
            Assert.That(Scalar<long>("SELECT input_tokens_used FROM user_token_usage WHERE user_id = 'u';"), Is.EqualTo(90_000));
            Assert.That(results.Where(r => !r.IsAllowed).Select(r => r.Check.DeniedDimension).Distinct(), Is.EqualTo(new TokenDimension?[] { TokenDimension.Input }));
        });
    }

    [Test]
    public async Task AReservationIsJudgedAgainstAProfileChangedByAnotherProcessSinceItsConfigurationWasCached()
    {
        var s = await StartAsync();
        var first = await s.Checker.ReserveAsync("u", 1_000, 0);
        await using var admin = BuildServices();
        var profiles = admin.GetRequiredService<IConsumptionProfileManager>();
        await profiles.UpdateAsync(await ProfileIdAsync(profiles, "Free"), new ConsumptionProfileUpdate { InputTokensPerMonth = new Optional<long?>(1_500) });

        var second = await s.Checker.ReserveAsync("u", 1_000, 0);
        var third = await s.Checker.ReserveAsync("u", 500, 0);

        Assert.Multiple(() =>
        {
            Assert.That(first.IsAllowed, Is.True, "Free allowed 100,000 input tokens when the configuration was cached");
            Assert.That(second.IsAllowed, Is.False, "1,000 held + 1,000 > the 1,500 another process set since");
            Assert.That(second.Check.Input.Limit, Is.EqualTo(1_500));
            Assert.That(third.IsAllowed, Is.True, "1,000 held + 500 lands on the new limit");
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_reservations WHERE user_id = 'u';"), Is.EqualTo(2), "the pass judged against the stale version wrote nothing");
        });
    }

    [Test]
    public async Task CommitIsIdempotentByRequestId()
    {
        var s = await StartAsync();
        var first = await s.Checker.ReserveAsync("u", 500, 100, new QuotaReservationOptions { RequestId = "req-1" });
        var outcome = await first.Reservation!.CommitAsync(400, 80);
        var again = await first.Reservation.CommitAsync(400, 80);
        var fromAnotherProcess = await s.Store.CommitReservationAsync("req-1", "u", first.Reservation.Period, 400, 80, Clock.GetUtcNow());

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(ReservationCommitOutcome.Committed));
            Assert.That(again, Is.EqualTo(ReservationCommitOutcome.AlreadyCommitted));
            Assert.That(fromAnotherProcess, Is.EqualTo(ReservationCommitOutcome.AlreadyCommitted));
            Assert.That(Scalar<long>("SELECT input_tokens_used FROM user_token_usage WHERE user_id = 'u';"), Is.EqualTo(400));
        });
    }

    [Test]
    public async Task DisposeAndCancellationReleaseAndStatusShowsReservedApart()
    {
        var s = await StartAsync();
        await s.Checker.RecordAsync("u", 1_000, 0);
        using var cts = new CancellationTokenSource();
        var held = await s.Checker.ReserveAsync("u", 5_000, 2_000, cancellationToken: cts.Token);
        var disposable = await s.Checker.ReserveAsync("u", 7_000, 0);
        var status = await s.Checker.GetStatusAsync("u");

        await disposable.Reservation!.DisposeAsync();
        var afterDispose = await s.Checker.GetStatusAsync("u");
        await cts.CancelAsync();
        await WaitForAsync(() => held.Reservation!.State == QuotaReservationState.Released);
        var afterCancel = await s.Checker.GetStatusAsync("u");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(status.InputTokens.Used, Is.EqualTo(1_000));
            Assert.That(status.InputTokens.Reserved, Is.EqualTo(12_000));
            Assert.That(status.InputTokens.Remaining, Is.EqualTo(87_000));
            Assert.That(afterDispose.InputTokens.Reserved, Is.EqualTo(5_000));
            Assert.That(afterCancel.InputTokens.Reserved, Is.Zero);
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_reservations;"), Is.Zero);
            var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await disposable.Reservation.CommitAsync(1, 1));
            Assert.That(error!.Message, Does.Contain("released"));
            await disposable.Reservation.DisposeAsync();
        });
    }

    [Test]
    public async Task ARequestIdAlreadyInUseThrowsDuplicateRequestIdExceptionAndHoldsNothing()
    {
        var s = await StartAsync();
        var held = await s.Checker.ReserveAsync("u", 10, 10, new QuotaReservationOptions { RequestId = "req-held" });
        var committed = await s.Checker.ReserveAsync("u", 10, 10, new QuotaReservationOptions { RequestId = "req-committed" });
        await committed.Reservation!.CommitAsync(5, 5);
        var period = QuotaPeriod.Current(Clock);
        var now = Clock.GetUtcNow();

        await Assert.MultipleAsync(async () =>
        {
            var againHeld = await Assert.ThrowsAsync<DuplicateRequestIdException>(async () => await s.Checker.ReserveAsync("other", 1, 1, new QuotaReservationOptions { RequestId = "req-held" }));
            Assert.That(againHeld!.RequestId, Is.EqualTo("req-held"));
            Assert.That(againHeld.Message, Is.EqualTo("The reservation request id 'req-held' is already in use."));
            var againCommitted = await Assert.ThrowsAsync<DuplicateRequestIdException>(async () => await s.Checker.ReserveAsync("u", 1, 1, new QuotaReservationOptions { RequestId = "req-committed" }));
            Assert.That(againCommitted!.RequestId, Is.EqualTo("req-committed"));
            var fromTheStore = await Assert.ThrowsAsync<DuplicateRequestIdException>(async () => await s.Store.TryReserveAsync(new NewReservation("req-held", "u", period, 1, 1, now, now.AddMinutes(5)), _ => true));
            Assert.That(fromTheStore!.RequestId, Is.EqualTo("req-held"));
            Assert.That(fromTheStore, Is.InstanceOf<InvalidOperationException>(), "catch sites written for InvalidOperationException keep working");
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_reservations WHERE state = 'held';"), Is.EqualTo(1), "nothing more is held");
            Assert.That(held.Reservation!.State, Is.EqualTo(QuotaReservationState.Held));
        });
    }

    [Test]
    public async Task AnAbandonedReservationStopsCountingWhenItsTtlPasses()
    {
        var s = await StartAsync();
        var abandoned = await s.Checker.ReserveAsync("u", 100_000, 0, new QuotaReservationOptions { Ttl = TimeSpan.FromMinutes(10) });
        var whileHeld = await s.Checker.ReserveAsync("u", 1, 0);
        Clock.Advance(TimeSpan.FromMinutes(10));
        var afterTtl = await s.Checker.ReserveAsync("u", 1, 0);
        var late = await abandoned.Reservation!.CommitAsync(50, 0);

        Assert.Multiple(() =>
        {
            Assert.That(abandoned.IsAllowed, Is.True);
            Assert.That(whileHeld.IsAllowed, Is.False);
            Assert.That(whileHeld.Message, Is.EqualTo("Input token quota exceeded. Limit: 100,000/month, Used: 0, Reserved: 100,000, Remaining: 0"));
            Assert.That(afterTtl.IsAllowed, Is.True);
            Assert.That(late, Is.EqualTo(ReservationCommitOutcome.CommittedAfterExpiry));
            Assert.That(Scalar<long>("SELECT input_tokens_used FROM user_token_usage WHERE user_id = 'u';"), Is.EqualTo(50));
        });
    }

    [Test]
    public async Task UsageAboveTheEstimateOvershootsByExactlyTheExcess()
    {
        var s = await StartAsync();
        var a = await s.Checker.ReserveAsync("u", 60_000, 0);
        var b = await s.Checker.ReserveAsync("u", 40_000, 0);
        await a.Reservation!.CommitAsync(70_000, 0);
        await b.Reservation!.CommitAsync(45_000, 0);
        var next = await s.Checker.ReserveAsync("u", 0, 0);
        var more = await s.Checker.ReserveAsync("u", 1, 0);

        Assert.Multiple(() =>
        {
            Assert.That(Scalar<long>("SELECT input_tokens_used FROM user_token_usage WHERE user_id = 'u';"), Is.EqualTo(115_000), "limit 100,000 + (70,000 − 60,000) + (45,000 − 40,000)");
            Assert.That(next.IsAllowed, Is.False, "over the limit, even a zero reservation is refused");
            Assert.That(more.IsAllowed, Is.False);
        });
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }
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
}
