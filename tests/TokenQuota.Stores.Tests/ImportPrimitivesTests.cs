namespace TokenQuota.Stores.Tests;

/// <summary>The store primitives an import uses: inserting a profile with its id kept, and merging carried-over usage.</summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class ImportPrimitivesTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    private static readonly QuotaPeriod December = new(2025, 12);

    [Test]
    public async Task AProfileInsertedWithAnIdKeepsItAndLaterProfilesGetNewIdsAfterIt()
    {
        var s = await StartAsync();

        var kept = await s.Store.ExecuteAdminChangeAsync((session, ct) =>
            session.InsertProfileAsync(new ConsumptionProfile { Id = 40, Name = "Imported", CreatedAt = session.Now, UpdatedAt = session.Now }, ct));
        var next = await s.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Later" });

        Assert.Multiple(() =>
        {
            Assert.That(kept, Is.EqualTo(40));
            Assert.That(Scalar<long>("SELECT id FROM consumption_profiles WHERE name = 'Imported';"), Is.EqualTo(40));
            Assert.That(next.Id, Is.EqualTo(41));
        });
    }

    [Test]
    public async Task MergingUsageKeepsTheLargerCountersAndTheWiderTimeSpanAndARepeatChangesNothing()
    {
        var s = await StartAsync();
        await s.Checker.RecordAsync("u", 100, 5);
        var version = await s.Store.GetConfigurationVersionAsync();
        var early = Start.AddDays(-3);
        var late = Start.AddDays(1);

        var first = await Merge(s, 40, 60, early, late);
        var afterFirst = Snapshot();
        var repeat = await Merge(s, 40, 60, early, late);
        var afterRepeat = Snapshot();
        var inserted = await Merge(s, 1, 2, early, early, user: "new-user");

        var row = Rows("SELECT input_tokens_used, output_tokens_used, total_tokens_used, first_usage_at, last_usage_at FROM user_token_usage WHERE user_id = 'u';").Single();
        Assert.Multiple(async () =>
        {
            Assert.That(first, Is.True);
            Assert.That(repeat, Is.False);
            Assert.That(inserted, Is.True);
            Assert.That(Convert.ToInt64(row["input_tokens_used"]), Is.EqualTo(100), "the larger of 100 here and 40 carried over");
            Assert.That(Convert.ToInt64(row["output_tokens_used"]), Is.EqualTo(60));
            Assert.That(Convert.ToInt64(row["total_tokens_used"]), Is.EqualTo(160));
            Assert.That(Convert.ToInt64(row["first_usage_at"]), Is.EqualTo(early.ToUnixTimeMilliseconds()));
            Assert.That(Convert.ToInt64(row["last_usage_at"]), Is.EqualTo(late.ToUnixTimeMilliseconds()));
            Assert.That(await s.Store.GetConfigurationVersionAsync(), Is.GreaterThan(version));
            Assert.That((await s.Checker.GetStatusAsync("u")).OutputTokens.Used, Is.EqualTo(60));
        });
        Assert.That(afterRepeat, Is.EqualTo(afterFirst), "the repeat wrote nothing, not even the configuration version");
    }

    private static Task<bool> Merge(Services s, long input, long output, DateTimeOffset first, DateTimeOffset last, string user = "u") =>
        s.Store.ExecuteAdminChangeAsync((session, ct) => session.MergeUsageAsync(user, December, input, output, first, last, ct));
}
