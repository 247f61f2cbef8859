namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// The writer connection, which keeps its statements between writes, adds usage to the user's row of the period as it is
/// now: a row removed or replaced under it, by any process, never takes another user's usage.
/// </summary>
public class WriterUsageAdditionTests : SqliteTestDatabase
{
    [Test]
    public async Task ARecordAfterItsRowWasReplacedByAnotherUsersRowLandsInItsOwnRow()
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
    public async Task ARecordAfterItsRowWasRemovedCreatesTheRowAgain()
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
    public async Task TheOverflowGuardRefusesAnAdditionToAnExistingRow()
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

    /// <summary>Runs a write inside a transaction, as a group-commit batch does.</summary>
    private static void InTransaction(SqliteHotPathConnection writer, Action<SqliteHotPathConnection> write)
    {
        writer.BeginImmediate();
        write(writer);
        writer.Commit();
    }
}
