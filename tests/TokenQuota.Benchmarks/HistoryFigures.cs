using System.Data.Common;

namespace TokenQuota.Benchmarks;

/// <summary>
/// The figures of DESIGN §9 (cost independent of history) on one store: a user's sequential reserve + commit with no
/// earlier reservations against a user with <see cref="HistoryReservations"/> earlier ones, and a check of a user with
/// no live holds against one with <see cref="LiveHolds"/>. Both sides of a pair run in the same interleaved passes, so
/// load from elsewhere falls on both alike.
/// </summary>
internal sealed class HistoryFigures(ITokenQuotaChecker checker)
{
    /// <summary>The earlier (committed, still kept) reservations of the history user.</summary>
    public const int HistoryReservations = 100_000;

    /// <summary>The live holds of the holds user.</summary>
    public const int LiveHolds = 1_000;

    public const string FreshUser = "history-fresh";

    public const string HistoryUser = "history-100k";

    public const string NoHoldsUser = "holds-none";

    public const string HoldsUser = "holds-1000";

    /// <summary>
    /// Writes the history user's earlier reservations as a live store keeps them (committed within the retention
    /// period), in one statement on a raw connection; <paramref name="tablePrefix"/> is the schema prefix, if any.
    /// </summary>
    public static void SeedHistory(DbConnection connection, string tablePrefix)
    {
        var now = DateTimeOffset.UtcNow;
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {HistoryReservations})
            INSERT INTO {tablePrefix}tokenquota_reservations (request_id, user_id, period, input_tokens, output_tokens, state, created_at, expires_at, committed_at)
            SELECT 'history-' || i, '{HistoryUser}', '{QuotaPeriod.FromInstant(now).Key}', 90, 40, 'committed', {now.ToUnixTimeMilliseconds()}, {now.ToUnixTimeMilliseconds()}, {now.ToUnixTimeMilliseconds()} FROM n;
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>Makes the holds user's live holds through the API (an hour's TTL, never committed during the run).</summary>
    public async Task SeedHoldsAsync()
    {
        for (var i = 0; i < LiveHolds; i++)
        {
            var held = await checker.ReserveAsync(HoldsUser, 100, 50, new QuotaReservationOptions { Ttl = TimeSpan.FromHours(1) });
            if (!held.IsAllowed)
            {
                throw new InvalidOperationException("The benchmark profile refused a hold: " + held.Check.Message);
            }
        }

        // Both check users exist and have their profile cached.
        await checker.CheckAsync(NoHoldsUser, 10, 10);
        await checker.CheckAsync(HoldsUser, 10, 10);
    }

    public Func<TimeSpan, Task<double>> ReserveCommit(string user) => Measure.AsyncRound(async _ =>
    {
        var reserved = await checker.ReserveAsync(user, 100, 50);
        await reserved.Reservation!.CommitAsync(90, 40);
    });

    public Func<TimeSpan, Task<double>> Check(string user) => Measure.AsyncRound(async _ => await checker.CheckAsync(user, 10, 10));
}
