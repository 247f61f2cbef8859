using System.Diagnostics;

namespace TokenQuota.Stores.Tests;

[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class BulkAssignmentTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    [Test]
    public async Task AssignsOneHundredThousandIdsInOneCallAndListsThemPaged()
    {
        var s = await StartAsync();
        var pro = await ProfileIdAsync(s.Profiles, "Pro");
        var ids = Enumerable.Range(0, 100_000).Select(i => $"user-{i:D6}").ToArray();

        var watch = Stopwatch.StartNew();
        var assigned = await s.Profiles.AssignManyAsync(ids, pro, actor: "bulk");
        watch.Stop();
        TestContext.Out.WriteLine($"AssignManyAsync of {ids.Length:N0} ids took {watch.Elapsed.TotalMilliseconds:N0} ms");

        var firstPage = await s.Profiles.ListAssignmentsAsync(pro, offset: 0, limit: 3);
        var lastPage = await s.Profiles.ListAssignmentsAsync(pro, offset: 99_999, limit: 10);

        Assert.Multiple(() =>
        {
            Assert.That(assigned, Is.EqualTo(100_000));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_assignments WHERE profile_id = @p;", ("@p", pro)), Is.EqualTo(100_000));
            Assert.That(AuditCount(), Is.EqualTo(1), "one audit entry for the whole bulk assignment");
            Assert.That(firstPage.TotalCount, Is.EqualTo(100_000));
            Assert.That(firstPage.Items.Select(a => a.UserId), Is.EqualTo(new[] { "user-000000", "user-000001", "user-000002" }));
            Assert.That(lastPage.Items.Single().UserId, Is.EqualTo("user-099999"));
            Assert.That(firstPage.Items[0].AssignedAt, Is.EqualTo(Start));
        });
    }

    [Test]
    public async Task AssigningNullReturnsManyUsersToTheDefault()
    {
        var s = await StartAsync();
        var pro = await ProfileIdAsync(s.Profiles, "Pro");
        await s.Profiles.AssignManyAsync(["a", "b", "c"], pro);

        await s.Profiles.AssignManyAsync(["a", "b"], null);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_assignments;"), Is.EqualTo(1));
            Assert.That((await s.Profiles.GetEffectiveProfileAsync("a"))!.Name, Is.EqualTo("Free"));
            Assert.That((await s.Profiles.GetEffectiveProfileAsync("c"))!.Name, Is.EqualTo("Pro"));
        });
    }

    private static IEnumerable<TestCaseData> BadLists()
    {
        yield return new TestCaseData(new[] { "ok-1", "ok-2", new string('x', 129) }, "#3").SetName("OverLongIdLast");
        yield return new TestCaseData(new[] { "ok-1", "dup", "ok-2", "dup" }, "'dup'").SetName("DuplicateId");
        yield return new TestCaseData(new[] { "ok-1", "" }, "#2").SetName("EmptyId");
        yield return new TestCaseData(new[] { "ok-1", "tab\tid" }, "#2").SetName("ControlCharacter");
        yield return new TestCaseData(Array.Empty<string>(), "empty").SetName("EmptyList");
    }

    [TestCaseSource(nameof(BadLists))]
    public async Task ABadIdAnywhereRefusesTheWholeCallAndNamesIt(string[] ids, string named)
    {
        var s = await StartAsync();
        var pro = await ProfileIdAsync(s.Profiles, "Pro");
        var snapshot = Snapshot();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => s.Profiles.AssignManyAsync(ids, pro));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain(named));
            Assert.That(Snapshot(), Is.EqualTo(snapshot));
        });
    }

    [Test]
    public async Task AnInactiveOrUnknownProfileRefusesTheWholeCall()
    {
        var s = await StartAsync();
        var pro = await ProfileIdAsync(s.Profiles, "Pro");
        await s.Profiles.DeactivateAsync(pro);
        var snapshot = Snapshot();

        await Assert.MultipleAsync(async () =>
        {
            await Assert.ThrowsAsync<ConsumptionProfileOperationRefusedException>(() => s.Profiles.AssignManyAsync(["a", "b"], pro));
            await Assert.ThrowsAsync<ConsumptionProfileNotFoundException>(() => s.Profiles.AssignManyAsync(["a", "b"], 9999));
            await Assert.ThrowsAsync<ConsumptionProfileNotFoundException>(() => s.Profiles.ListAssignmentsAsync(9999));
            Assert.That(Snapshot(), Is.EqualTo(snapshot));
        });
    }
}
