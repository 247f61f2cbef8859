using Microsoft.Extensions.DependencyInjection;
using TokenQuota.Storage;

namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// Reserve and commit run without a savepoint inside a group-commit batch, because each refuses (a request id in use, a
/// commit that would overflow the stored total) before it writes anything: a refusal reaches only its own caller, and
/// every other write of the batch commits.
/// </summary>
public class ReservationRefusalTests : SqliteTestDatabase
{
    [Test]
    [Repeat(3)]
    public async Task RefusedReservationsAndCommitsAmongConcurrentOnesFailAloneAndWriteNothing()
    {
        await StartAsync();
        var provider = BuildServices();
        var checker = provider.GetRequiredService<ITokenQuotaChecker>();
        var store = provider.GetRequiredService<IQuotaStore>();
        var period = QuotaPeriod.Current(Clock);
        var taken = await checker.ReserveAsync("holder", 1, 1, new QuotaReservationOptions { RequestId = "taken" });
        await store.AddUsageAsync("full", period, long.MaxValue - 10, 0, Clock.GetUtcNow());
        var overflowing = await store.TryReserveAsync(new NewReservation("overflowing", "full", period, 0, 0, Clock.GetUtcNow(), Clock.GetUtcNow().AddMinutes(5)), _ => true);

        var reserves = Enumerable.Range(0, 60)
            .Select(i => Task.Run(async () => await checker.ReserveAsync($"user-{i}", 10, 5, new QuotaReservationOptions { RequestId = i % 6 == 0 ? "taken" : $"req-{i}" })))
            .ToArray();
        var overflow = Task.Run(async () => await store.CommitReservationAsync("overflowing", "full", period, 11, 0, Clock.GetUtcNow()));
        var outcomes = await Task.WhenAll(reserves.Select(Capture));
        var overflowOutcome = await Capture(overflow);

        Assert.Multiple(() =>
        {
            Assert.That(taken.IsAllowed && overflowing.Reserved, Is.True);
            Assert.That(outcomes.Count(o => o is InvalidOperationException { Message: "The reservation request id 'taken' is already in use." }), Is.EqualTo(10));
            Assert.That(outcomes.Count(o => o is null), Is.EqualTo(50), "every other reservation of the batch is held");
            Assert.That(overflowOutcome, Is.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_reservations WHERE state = 'held';"), Is.EqualTo(52));
            Assert.That(Scalar<long>("SELECT input_tokens FROM tokenquota_reserved_totals WHERE user_id = 'holder';"), Is.EqualTo(1), "a refused id takes nothing from its holder");
            Assert.That(Scalar<long>("SELECT SUM(input_tokens) FROM tokenquota_reserved_totals;"), Is.EqualTo(1 + (50 * 10)));
            Assert.That(Scalar<long>("SELECT input_tokens_used FROM user_token_usage WHERE user_id = 'full';"), Is.EqualTo(long.MaxValue - 10), "the overflowing commit wrote nothing");
            Assert.That(Scalar<string>("SELECT state FROM tokenquota_reservations WHERE request_id = 'overflowing';"), Is.EqualTo("held"), "and left its reservation held");
        });
    }
}
