namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// Every statement a reservation or a check runs reaches its rows through a key or an index range, never by scanning a
/// user's reservations, so its cost does not grow with the user's history or live holds (benchmark figures
/// <c>history</c> and <c>holds</c> in tests/TokenQuota.Benchmarks measure it).
/// </summary>
public class ReservationQueryPlanTests : SqliteTestDatabase
{
    private static readonly (string Name, string Sql, string[] Indexes)[] Statements =
    [
        ("check's usage read", SqliteSql.SelectUsage, ["idx_tokenquota_reservations_held"]),
        ("lazy expiry: take back", SqliteSql.TakeBackExpiredHolds, ["idx_tokenquota_reservations_held"]),
        ("lazy expiry: delete", SqliteSql.DeleteExpiredHolds, ["idx_tokenquota_reservations_held"]),
        ("release: take back", SqliteSql.TakeBackHold, []),
        ("release: delete", SqliteSql.DeleteHold, []),
        ("commit's read", SqliteSql.SelectReservation, []),
        ("retention", SqliteSql.PurgeCommittedReservations, ["idx_tokenquota_reservations_committed"]),
    ];

    [TestCaseSource(nameof(StatementNames))]
    public async Task TheStatementFindsItsRowsThroughAKeyOrAnIndex(string name)
    {
        await StartAsync();
        var (_, sql, indexes) = Statements.Single(s => s.Name == name);
        var plan = Rows("EXPLAIN QUERY PLAN " + sql).Select(r => (string)r["detail"]!).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(plan, Has.None.Match(@"^SCAN (tokenquota_reservations|tokenquota_reserved_totals|user_token_usage|r|t|u)\b"), string.Join(" | ", plan));
            foreach (var index in indexes)
            {
                Assert.That(plan, Has.Some.Contains(index), string.Join(" | ", plan));
            }
        });
    }

    private static IEnumerable<string> StatementNames() => Statements.Select(s => s.Name);
}
