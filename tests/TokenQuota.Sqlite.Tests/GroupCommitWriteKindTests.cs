namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// How the group-commit writer keeps each kind of write atomic inside a batch (<see cref="SqliteWriteAtomicity"/>): a write
/// that may fail on its own runs in a savepoint and fails alone; a write that runs without a savepoint fails its whole
/// batch, so its first statements are never left committed.
/// </summary>
/// <remarks>
/// The batch is made deterministic: a first write holds the writer connection (it runs inline and waits on a signal),
/// every other write is queued meanwhile, and the writer thread then drains them all into one transaction.
/// </remarks>
public class GroupCommitWriteKindTests : SqliteTestDatabase
{
    private const int Writes = 20;

    [Test]
    public async Task AFailingWriteWithoutASavepointFailsItsWholeBatchAndLeavesNothingOfIt()
    {
        var outcomes = await RunBatchWithOneFailingWriteAsync(SqliteWriteAtomicity.BatchTransaction);

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Failing, Is.TypeOf<InvalidOperationException>().And.Message.EqualTo("injected"));
            Assert.That(outcomes.Others, Has.All.Not.Null, "every write of the batch fails with it");
            Assert.That(UsageRows("failing"), Is.Zero, "the failing write's first statement was rolled back");
            Assert.That(UsageRows("other-%"), Is.Zero, "nothing of the batch was committed");
        });
    }

    [Test]
    public async Task AFailingWriteInASavepointFailsAloneAndTheRestOfItsBatchCommits()
    {
        var outcomes = await RunBatchWithOneFailingWriteAsync(SqliteWriteAtomicity.OwnSavepoint);

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Failing, Is.TypeOf<InvalidOperationException>().And.Message.EqualTo("injected"));
            Assert.That(outcomes.Others, Has.All.Null, "the other writes of the batch succeed");
            Assert.That(UsageRows("failing"), Is.Zero, "the failing write's first statement was undone with its savepoint");
            Assert.That(UsageRows("other-%"), Is.EqualTo(Writes));
        });
    }

    private async Task<(Exception? Failing, Exception?[] Others)> RunBatchWithOneFailingWriteAsync(SqliteWriteAtomicity failingKind)
    {
        await StartAsync();
        var factory = new SqliteConnectionFactory(new SqliteQuotaStoreOptions { ConnectionString = ConnectionString });
        await using var writer = new SqliteGroupCommitWriter(factory, () => { });
        var period = QuotaPeriod.Current(Clock).Key;

        // 1. A first write runs inline (the writer is idle) and holds the writer connection until released.
        using var inlineHolding = new ManualResetEventSlim();
        using var inlineRelease = new ManualResetEventSlim();
        var inline = Task.Run(async () => await writer.RunAsync((inlineHolding, inlineRelease), static (c, s) => Hold(s), SqliteWriteAtomicity.SingleStatement));
        inlineHolding.Wait();

        // 2. A second write is therefore queued; the writer thread runs it as a batch of its own, where it holds the
        //    writer thread until released, so everything queued meanwhile is drained into the next batch, together.
        using var batchHolding = new ManualResetEventSlim();
        using var batchRelease = new ManualResetEventSlim();
        var queued = writer.RunAsync((batchHolding, batchRelease), static (c, s) => Hold(s), SqliteWriteAtomicity.SingleStatement).AsTask();
        inlineRelease.Set();
        await inline;
        batchHolding.Wait();

        var failing = Capture(writer.RunAsync<string, bool>(
            period,
            static (c, p) =>
            {
                c.AddUsage("failing", p, 1, 1, 0);
                throw new InvalidOperationException("injected");
            },
            failingKind));
        var others = Enumerable.Range(0, Writes)
            .Select(i => Capture(writer.RunAsync((User: $"other-{i}", Period: period), static (c, s) => c.AddUsage(s.User, s.Period, 1, 1, 0), SqliteWriteAtomicity.SingleStatement)))
            .ToArray();
        batchRelease.Set();
        await queued;

        return (await failing, await Task.WhenAll(others));
    }

    private static int Hold((ManualResetEventSlim Holding, ManualResetEventSlim Release) signals)
    {
        signals.Holding.Set();
        signals.Release.Wait();
        return 0;
    }

    private long UsageRows(string userPattern) =>
        Scalar<long>($"SELECT COUNT(*) FROM user_token_usage WHERE user_id LIKE '{userPattern}';");
}
