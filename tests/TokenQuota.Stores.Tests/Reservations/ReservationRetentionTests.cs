using TokenQuota.PostgreSql;
using TokenQuota.Sqlite;
using TokenQuota.Storage;

namespace TokenQuota.Stores.Tests;

/// <summary>
/// What a store keeps of reservations: a running reserved total per user and period that always equals its held rows,
/// and committed rows kept for idempotent commits, then forgotten by the background retention pass (never by a caller).
/// </summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class ReservationRetentionTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    [Test]
    public async Task ARetentionPassForgetsCommitsOlderThanTheRetentionPeriodAndKeepsTheRest()
    {
        var s = await StartAsync();
        var old = await s.Checker.ReserveAsync("u", 100, 10, new QuotaReservationOptions { RequestId = "old" });
        await old.Reservation!.CommitAsync(90, 9);
        Clock.Advance(TimeSpan.FromHours(1));
        var recent = await s.Checker.ReserveAsync("u", 100, 10, new QuotaReservationOptions { RequestId = "recent" });
        await recent.Reservation!.CommitAsync(80, 8);
        var held = await s.Checker.ReserveAsync("u", 100, 10, new QuotaReservationOptions { RequestId = "held", Ttl = QuotaReservationOptions.MaxTtl });

        Clock.Advance(ReservationRetention.KeptFor - TimeSpan.FromHours(1) - TimeSpan.FromMilliseconds(1));
        await PurgeAsync(s.Store);
        var keptTooEarly = Scalar<long>("SELECT COUNT(*) FROM tokenquota_reservations WHERE request_id = 'old';");
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        await PurgeAsync(s.Store);
        var retriedRecent = await s.Store.CommitReservationAsync("recent", "u", recent.Reservation.Period, 80, 8, Clock.GetUtcNow());

        Assert.Multiple(() =>
        {
            Assert.That(keptTooEarly, Is.EqualTo(1), "a commit younger than the retention period is kept");
            Assert.That(
                Rows("SELECT request_id, state FROM tokenquota_reservations ORDER BY request_id;").Select(r => $"{r["request_id"]} {r["state"]}"),
                Is.EqualTo(new[] { "held held", "recent committed" }),
                "only the commit that has reached the retention period goes; held reservations are never forgotten by retention");
            Assert.That(retriedRecent, Is.EqualTo(ReservationCommitOutcome.AlreadyCommitted), "a kept commit still makes a retry idempotent");
            Assert.That(Scalar<long>("SELECT input_tokens_used FROM user_token_usage WHERE user_id = 'u';"), Is.EqualTo(170));
        });
        Assert.That(held.IsAllowed, Is.True);
    }

    [Test]
    public async Task ARetentionPassForgetsEveryOldCommitOfManyUsers()
    {
        var s = await StartAsync();
        var count = ReservationRetention.BatchSize + 7;
        for (var i = 0; i < count; i++)
        {
            var r = await s.Checker.ReserveAsync($"user-{i % 10}", 1, 1);
            await r.Reservation!.CommitAsync(1, 1);
        }

        Clock.Advance(ReservationRetention.KeptFor);
        await PurgeAsync(s.Store);

        Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_reservations;"), Is.Zero);
    }

    [Test]
    public async Task TheBackgroundPassRunsOnTheStoresClockOnceReservationsAreCommitted()
    {
        var s = await StartAsync();
        var r = await s.Checker.ReserveAsync("u", 10, 1);
        await r.Reservation!.CommitAsync(10, 1);

        Clock.Advance(ReservationRetention.KeptFor - ReservationRetention.Interval);
        var keptBeforeThePeriod = Scalar<long>("SELECT COUNT(*) FROM tokenquota_reservations;");
        Clock.Advance(ReservationRetention.Interval);
        for (var i = 0; i < 500 && Scalar<long>("SELECT COUNT(*) FROM tokenquota_reservations;") > 0; i++)
        {
            await Task.Delay(10);
        }

        Assert.Multiple(() =>
        {
            Assert.That(keptBeforeThePeriod, Is.EqualTo(1));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_reservations;"), Is.Zero, "the timer's pass at the end of the period forgot the commit");
        });
    }

    [Test]
    public async Task TheReservedTotalsAlwaysEqualTheHeldRows()
    {
        var s = await StartAsync();
        var random = new Random(20261206);
        var live = new List<QuotaReservation>();
        for (var step = 0; step < 300; step++)
        {
            var user = $"user-{random.Next(4)}";
            switch (random.Next(5))
            {
                case 0 or 1:
                    var reserved = await s.Checker.ReserveAsync(user, random.Next(0, 500), random.Next(0, 50), new QuotaReservationOptions { Ttl = TimeSpan.FromMinutes(random.Next(1, 30)) });
                    if (reserved.Reservation is { } hold)
                    {
                        live.Add(hold);
                    }

                    break;
                case 2 when live.Count > 0:
                    var committing = live[random.Next(live.Count)];
                    live.Remove(committing);
                    await committing.CommitAsync(random.Next(0, 600), random.Next(0, 60));
                    break;
                case 3 when live.Count > 0:
                    var releasing = live[random.Next(live.Count)];
                    live.Remove(releasing);
                    await releasing.DisposeAsync();
                    break;
                default:
                    Clock.Advance(TimeSpan.FromMinutes(random.Next(0, 10)));
                    break;
            }
        }

        var totals = Rows("SELECT user_id, period, input_tokens, output_tokens FROM tokenquota_reserved_totals WHERE input_tokens <> 0 OR output_tokens <> 0 ORDER BY user_id, period;")
            .Select(r => $"{r["user_id"]} {r["period"]} {r["input_tokens"]} {r["output_tokens"]}");
        var held = Rows("SELECT user_id, period, SUM(input_tokens) AS i, SUM(output_tokens) AS o FROM tokenquota_reservations WHERE state = 'held' GROUP BY user_id, period HAVING SUM(input_tokens) <> 0 OR SUM(output_tokens) <> 0 ORDER BY user_id, period;")
            .Select(r => $"{r["user_id"]} {r["period"]} {r["i"]} {r["o"]}");
        Assert.That(totals, Is.EqualTo(held));
    }

    [Test]
    public async Task ARetentionPassSweepsTheExpiredHoldsOfIdleUsersAndKeepsLiveHoldsAndTheTotalsExact()
    {
        var s = await StartAsync();
        for (var i = 0; i < ReservationRetention.BatchSize + 3; i++)
        {
            await s.Checker.ReserveAsync($"idle-{i}", 10, 5, new QuotaReservationOptions { Ttl = TimeSpan.FromMinutes(1) });
        }

        await s.Checker.ReserveAsync("idle-0", 7, 3, new QuotaReservationOptions { Ttl = TimeSpan.FromMinutes(1) });
        Clock.Advance(ReservationRetention.KeptFor + TimeSpan.FromMinutes(1));
        var live = await s.Checker.ReserveAsync("busy", 20, 10, new QuotaReservationOptions { RequestId = "live", Ttl = TimeSpan.FromMinutes(10) });
        await s.Checker.ReserveAsync("recently-expired", 1, 1, new QuotaReservationOptions { RequestId = "recent", Ttl = TimeSpan.FromMinutes(1) });
        Clock.Advance(TimeSpan.FromMinutes(2));

        await PurgeAsync(s.Store);

        Assert.Multiple(async () =>
        {
            Assert.That(Rows("SELECT request_id FROM tokenquota_reservations;").Select(r => r["request_id"]), Is.EquivalentTo(new[] { "live", "recent" }), "a hold expired less than the retention period ago is kept");
            Assert.That(
                Rows("SELECT user_id, input_tokens, output_tokens FROM tokenquota_reserved_totals WHERE input_tokens <> 0 OR output_tokens <> 0;")
                    .Select(r => $"{r["user_id"]} {r["input_tokens"]} {r["output_tokens"]}"),
                Is.EquivalentTo(new[] { "busy 20 10", "recently-expired 1 1" }),
                "every expired estimate was taken back, in batches of users, and the live one kept");
            Assert.That((await s.Checker.GetStatusAsync("idle-0")).InputTokens.Reserved, Is.Zero);
            Assert.That((await s.Checker.GetStatusAsync("busy")).InputTokens.Reserved, Is.EqualTo(20));
        });
        await live.Reservation!.CommitAsync(20, 10);
    }

    private static Task<int> PurgeAsync(IQuotaStore store) => store switch
    {
        SqliteQuotaStore sqlite => sqlite.PurgeCommittedReservationsAsync(),
        PostgreSqlQuotaStore postgres => postgres.PurgeCommittedReservationsAsync(),
        _ => throw new NotSupportedException(store.GetType().Name),
    };
}
