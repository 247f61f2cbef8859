using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// The writer updates a user's usage row by its remembered rowid (<see cref="SqliteUsageRowIds"/>); the rowid is only a
/// hint, so a row removed or replaced under it, by any process, never takes another user's usage.
/// </summary>
public class UsageRowIdTests : SqliteTestDatabase
{
    [Test]
    public async Task ARecordWhoseRememberedRowWasReplacedByAnotherUsersRowLandsInItsOwnRow()
    {
        await StartAsync();
        var checker = BuildServices().GetRequiredService<ITokenQuotaChecker>();
        var period = QuotaPeriod.Current(Clock).Key;
        await checker.RecordAsync("alice", 1, 1);
        await checker.RecordAsync("alice", 2, 2);
        var aliceRow = Scalar<long>($"SELECT id FROM user_token_usage WHERE user_id = 'alice' AND period = '{period}';");

        // Another process moves Alice's row to a new rowid and gives her old rowid to Bob.
        Execute($"""
            DELETE FROM user_token_usage WHERE id = {aliceRow};
            INSERT INTO user_token_usage (id, user_id, period, input_tokens_used, output_tokens_used, total_tokens_used, first_usage_at, last_usage_at)
            VALUES ({aliceRow}, 'bob', '{period}', 100, 100, 200, 0, 0), ({aliceRow + 1000}, 'alice', '{period}', 3, 3, 6, 0, 0);
            """);
        await checker.RecordAsync("alice", 10, 20);
        await checker.RecordAsync("alice", 5, 5);

        Assert.That(
            Rows($"SELECT user_id, input_tokens_used, output_tokens_used, total_tokens_used FROM user_token_usage WHERE period = '{period}' ORDER BY user_id;")
                .Select(r => $"{r["user_id"]} {r["input_tokens_used"]} {r["output_tokens_used"]} {r["total_tokens_used"]}"),
            Is.EqualTo(new[] { "alice 18 28 46", "bob 100 100 200" }));
    }

    [Test]
    public async Task ARecordWhoseRememberedRowWasRemovedCreatesTheRowAgain()
    {
        await StartAsync();
        var checker = BuildServices().GetRequiredService<ITokenQuotaChecker>();
        await checker.RecordAsync("alice", 1, 1);
        await checker.RecordAsync("alice", 2, 2);

        Execute("DELETE FROM user_token_usage WHERE user_id = 'alice';");
        await checker.RecordAsync("alice", 7, 3);

        Assert.That(
            Rows("SELECT input_tokens_used, output_tokens_used FROM user_token_usage WHERE user_id = 'alice';").Select(r => $"{r["input_tokens_used"]} {r["output_tokens_used"]}"),
            Is.EqualTo(new[] { "7 3" }));
    }

    [Test]
    public void ANewPeriodForgetsThePreviousPeriodsRows()
    {
        var rowIds = new SqliteUsageRowIds();
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
        var rowIds = new SqliteUsageRowIds();
        for (var i = 0; i < SqliteUsageRowIds.Capacity; i++)
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
