namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// The writer updates a user's usage row by its remembered rowid (<see cref="SqliteUsageRowIdCache"/>); the rowid is only a
/// hint, so a row removed or replaced under it, by any process, never takes another user's usage.
/// </summary>
public class UsageRowIdTests : SqliteTestDatabase
{
    [Test]
    public async Task ARecordWhoseRememberedRowWasReplacedByAnotherUsersRowLandsInItsOwnRow()
    {
        await StartAsync();
        const string period = "2025-12";
        using var writer = WriterConnection();
        InTransaction(writer, c => c.AddUsage("alice", period, 1, 1, 0));
        var aliceRow = Scalar<long>($"SELECT id FROM user_token_usage WHERE user_id = 'alice' AND period = '{period}';");
        InTransaction(writer, c => c.AddUsage("alice", period, 2, 2, 0));

        // Another process moves Alice's row to a new rowid and gives her old rowid to Bob.
        Execute($"""
            DELETE FROM user_token_usage WHERE id = {aliceRow};
            INSERT INTO user_token_usage (id, user_id, period, input_tokens_used, output_tokens_used, total_tokens_used, first_usage_at, last_usage_at)
            VALUES ({aliceRow}, 'bob', '{period}', 100, 100, 200, 0, 0), ({aliceRow + 1000}, 'alice', '{period}', 3, 3, 6, 0, 0);
            """);
        InTransaction(writer, c => c.AddUsage("alice", period, 10, 20, 0));
        InTransaction(writer, c => c.AddUsage("alice", period, 5, 5, 0));

        Assert.That(
            Rows($"SELECT user_id, input_tokens_used, output_tokens_used, total_tokens_used FROM user_token_usage WHERE period = '{period}' ORDER BY user_id;")
                .Select(r => $"{r["user_id"]} {r["input_tokens_used"]} {r["output_tokens_used"]} {r["total_tokens_used"]}"),
            Is.EqualTo(new[] { "alice 18 28 46", "bob 100 100 200" }));
    }

    [Test]
    public async Task ARecordWhoseRememberedRowWasRemovedCreatesTheRowAgain()
    {
        await StartAsync();
        using var writer = WriterConnection();
        InTransaction(writer, c => c.AddUsage("alice", "2025-12", 1, 1, 0));
        InTransaction(writer, c => c.AddUsage("alice", "2025-12", 2, 2, 0));

        Execute("DELETE FROM user_token_usage WHERE user_id = 'alice';");
        InTransaction(writer, c => c.AddUsage("alice", "2025-12", 7, 3, 0));

        Assert.That(
            Rows("SELECT input_tokens_used, output_tokens_used FROM user_token_usage WHERE user_id = 'alice';").Select(r => $"{r["input_tokens_used"]} {r["output_tokens_used"]}"),
            Is.EqualTo(new[] { "7 3" }));
    }

    [Test]
    public async Task TheOverflowGuardStillRefusesThroughTheRememberedRow()
    {
        await StartAsync();
        using var writer = WriterConnection();
        InTransaction(writer, c => c.AddUsage("alice", "2025-12", 1, 1, 0));

        var refused = false;
        InTransaction(writer, c => refused = !c.AddUsage("alice", "2025-12", long.MaxValue, 0, 0));

        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.True);
            Assert.That(Scalar<long>("SELECT input_tokens_used FROM user_token_usage WHERE user_id = 'alice';"), Is.EqualTo(1));
        });
    }

    /// <summary>The store's writer connection with its prepared statements, as the group-commit writer holds it.</summary>
    private SqliteHotPathConnection WriterConnection() =>
        new(new SqliteConnectionFactory(new SqliteQuotaStoreOptions { ConnectionString = ConnectionString }).Open(writer: true));

    /// <summary>Runs a write inside a transaction, as a group-commit batch does (where the writer learns rowids).</summary>
    private static void InTransaction(SqliteHotPathConnection writer, Action<SqliteHotPathConnection> write)
    {
        writer.BeginImmediate();
        write(writer);
        writer.Commit();
    }

    [Test]
    public void ANewPeriodForgetsThePreviousPeriodsRows()
    {
        var rowIds = new SqliteUsageRowIdCache();
        rowIds.Remember("alice", "2025-11", 7);

        rowIds.Remember("bob", "2025-12", 9);

        Assert.Multiple(() =>
        {
            Assert.That(rowIds.TryGet("alice", "2025-11", out _), Is.False);
            Assert.That(rowIds.TryGet("alice", "2025-12", out _), Is.False);
            Assert.That(rowIds.TryGet("bob", "2025-12", out var bob) ? bob : -1, Is.EqualTo(9));
        });
    }

    [Test]
    public void AFullMemoryRemembersNoFurtherUsersButKeepsUpdatingTheOnesItHas()
    {
        var rowIds = new SqliteUsageRowIdCache();
        for (var i = 0; i < SqliteUsageRowIdCache.Capacity; i++)
        {
            rowIds.Remember("user-" + i, "2025-12", i + 1);
        }

        rowIds.Remember("one-too-many", "2025-12", 1);
        rowIds.Remember("user-0", "2025-12", 42);

        Assert.Multiple(() =>
        {
            Assert.That(rowIds.HasRoomFor("2025-12"), Is.False);
            Assert.That(rowIds.HasRoomFor("2026-01"), Is.True, "a new period starts afresh");
            Assert.That(rowIds.TryGet("one-too-many", "2025-12", out _), Is.False);
            Assert.That(rowIds.TryGet("user-0", "2025-12", out var first) ? first : -1, Is.EqualTo(42));
        });
    }
}
