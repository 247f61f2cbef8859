using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Stores.Tests;

[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class AuditLogTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    [Test]
    public async Task EveryChangeWritesOneEntryWithActorTargetBeforeAndAfter()
    {
        var s = await StartAsync();
        var created = await s.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Starter", PromptsPerHour = 30 }, actor: "admin-1");
        Clock.Advance(TimeSpan.FromMinutes(1));
        await s.Profiles.UpdateAsync(created.Id, new ConsumptionProfileUpdate { PromptsPerHour = 31 }, actor: "admin-2");
        await s.Profiles.DeactivateAsync(created.Id, actor: "admin-1");
        await s.Profiles.ActivateAsync(created.Id, actor: "admin-1");
        await s.Profiles.AssignAsync("alice", created.Id, actor: "admin-1");
        await s.Profiles.AssignAsync("alice", null, actor: "admin-1");
        await s.Profiles.AssignManyAsync(["bob", "carol"], created.Id, actor: "admin-1");
        await s.Profiles.SetDefaultAsync(created.Id, actor: null);
        await s.Profiles.SetDefaultAsync(await ProfileIdAsync(s.Profiles, "Free"), actor: null);
        await s.Profiles.DeleteAsync(created.Id, reassignTo: await ProfileIdAsync(s.Profiles, "Pro"), actor: "admin-1");

        var page = await s.Profiles.QueryAuditLogAsync(new QuotaAuditQuery { Limit = 50 });
        var actions = page.Items.Reverse().Select(e => e.Action).ToArray();
        Assert.That(actions, Is.EqualTo(new[]
        {
            QuotaAuditActions.ProfileCreated, QuotaAuditActions.ProfileUpdated, QuotaAuditActions.ProfileDeactivated,
            QuotaAuditActions.ProfileActivated, QuotaAuditActions.UserAssigned, QuotaAuditActions.UserUnassigned,
            QuotaAuditActions.UsersBulkAssigned, QuotaAuditActions.DefaultSet, QuotaAuditActions.DefaultSet,
            QuotaAuditActions.ProfileDeleted,
        }));

        var update = page.Items.Single(e => e.Action == QuotaAuditActions.ProfileUpdated);
        using var before = JsonDocument.Parse(update.Before!);
        using var after = JsonDocument.Parse(update.After!);
        Assert.Multiple(() =>
        {
            Assert.That(page.TotalCount, Is.EqualTo(10));
            Assert.That(update.Actor, Is.EqualTo("admin-2"));
            Assert.That(update.Target, Is.EqualTo($"profile:{created.Id}"));
            Assert.That(update.OccurredAt, Is.EqualTo(Start.AddMinutes(1)));
            Assert.That(before.RootElement.GetProperty("prompts_per_hour").GetInt32(), Is.EqualTo(30));
            Assert.That(after.RootElement.GetProperty("prompts_per_hour").GetInt32(), Is.EqualTo(31));
            Assert.That(page.Items.Single(e => e.Action == QuotaAuditActions.ProfileCreated).Before, Is.Null);
            Assert.That(page.Items.Single(e => e.Action == QuotaAuditActions.UserAssigned).Target, Is.EqualTo("user:alice"));
            Assert.That(page.Items.Single(e => e.Action == QuotaAuditActions.UsersBulkAssigned).After, Does.Contain("\"bob\"").And.Contain("\"carol\""));
        });
    }

    [Test]
    public async Task QueriesFilterByTimeActorActionAndTargetAndPageNewestFirst()
    {
        var s = await StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await s.Profiles.AssignAsync($"user-{i}", await ProfileIdAsync(s.Profiles, "Pro"), actor: i % 2 == 0 ? "even" : "odd");
            Clock.Advance(TimeSpan.FromHours(1));
        }

        var byActor = await s.Profiles.QueryAuditLogAsync(new QuotaAuditQuery { Actor = "even" });
        var byTarget = await s.Profiles.QueryAuditLogAsync(new QuotaAuditQuery { Target = "user:user-3" });
        var byTime = await s.Profiles.QueryAuditLogAsync(new QuotaAuditQuery { From = Start.AddHours(1), To = Start.AddHours(3) });
        var byAction = await s.Profiles.QueryAuditLogAsync(new QuotaAuditQuery { Action = QuotaAuditActions.ProfileCreated });
        var secondPage = await s.Profiles.QueryAuditLogAsync(new QuotaAuditQuery { Offset = 2, Limit = 2 });

        Assert.Multiple(() =>
        {
            Assert.That(byActor.Items.Select(e => e.Target), Is.EqualTo(new[] { "user:user-4", "user:user-2", "user:user-0" }));
            Assert.That(byTarget.Items.Single().Actor, Is.EqualTo("odd"));
            Assert.That(byTime.Items.Select(e => e.Target), Is.EqualTo(new[] { "user:user-2", "user:user-1" }));
            Assert.That(byAction.TotalCount, Is.Zero);
            Assert.That(secondPage.TotalCount, Is.EqualTo(5));
            Assert.That(secondPage.Items.Select(e => e.Target), Is.EqualTo(new[] { "user:user-2", "user:user-1" }));
        });
    }

    [Test]
    public async Task BadQueriesAreRefused()
    {
        var s = await StartAsync();
        await Assert.MultipleAsync(async () =>
        {
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => s.Profiles.QueryAuditLogAsync(new QuotaAuditQuery { Limit = 0 }));
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => s.Profiles.QueryAuditLogAsync(new QuotaAuditQuery { Offset = -1 }));
            await Assert.ThrowsAsync<ArgumentException>(() => s.Profiles.QueryAuditLogAsync(new QuotaAuditQuery { From = Start, To = Start.AddDays(-1) }));
        });
    }

    [Test]
    public async Task DeactivatedProfileSendsItsUsersToTheDefaultAndTheDefaultCannotBeDeactivated()
    {
        var s = await StartAsync();
        var pro = await ProfileIdAsync(s.Profiles, "Pro");
        await s.Profiles.AssignAsync("alice", pro);

        await s.Profiles.DeactivateAsync(pro, actor: "ops");
        var whileInactive = await s.Profiles.GetEffectiveProfileAsync("alice");
        var assignInactive = await Assert.ThrowsAsync<ConsumptionProfileOperationRefusedException>(() => s.Profiles.AssignAsync("bob", pro));
        await s.Profiles.ActivateAsync(pro, actor: "ops");
        var afterActivation = await s.Profiles.GetEffectiveProfileAsync("alice");

        var free = await ProfileIdAsync(s.Profiles, "Free");
        var snapshot = Snapshot();
        var deactivateDefault = await Assert.ThrowsAsync<ConsumptionProfileOperationRefusedException>(() => s.Profiles.DeactivateAsync(free, actor: "ops"));

        Assert.Multiple(() =>
        {
            Assert.That(whileInactive!.Name, Is.EqualTo("Free"));
            Assert.That(assignInactive!.Reason, Is.EqualTo(ProfileRefusalReason.ProfileInactive));
            Assert.That(afterActivation!.Name, Is.EqualTo("Pro"));
            Assert.That(deactivateDefault!.Reason, Is.EqualTo(ProfileRefusalReason.DefaultProfileCannotBeDeactivated));
            Assert.That(Snapshot(), Is.EqualTo(snapshot), "a refused deactivation changes nothing");
        });
    }

    [Test]
    public async Task ListPutsTheDefaultFirstThenNamesWithAssignedUserCounts()
    {
        var s = await StartAsync();
        await s.Profiles.AssignManyAsync(["a", "b"], await ProfileIdAsync(s.Profiles, "Pro"));
        await s.Profiles.CreateAsync(new NewConsumptionProfile { Name = "basic" });

        var list = await s.Profiles.ListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(list.Select(p => p.Name), Is.EqualTo(new[] { "Free", "basic", "Enterprise", "Pro", "Unlimited" }));
            Assert.That(list.Single(p => p.Name == "Pro").UserCount, Is.EqualTo(2));
            Assert.That(list.Single(p => p.Name == "Free").UserCount, Is.Zero, "users on the default implicitly are not counted");
        });
    }

    [Test]
    public async Task DeleteInUseNamesTheUserCountAndReassignMovesUsersInOneTransaction()
    {
        var s = await StartAsync();
        var pro = await ProfileIdAsync(s.Profiles, "Pro");
        var enterprise = await ProfileIdAsync(s.Profiles, "Enterprise");
        await s.Profiles.AssignManyAsync(["a", "b", "c"], pro);
        var snapshot = Snapshot();

        var refused = await Assert.ThrowsAsync<ConsumptionProfileOperationRefusedException>(() => s.Profiles.DeleteAsync(pro));
        Assert.That(Snapshot(), Is.EqualTo(snapshot));

        await s.Profiles.DeleteAsync(pro, reassignTo: enterprise, actor: "ops");

        Assert.Multiple(() =>
        {
            Assert.That(refused!.Message, Is.EqualTo("Cannot delete profile. 3 user(s) are assigned to it."));
            Assert.That(refused.AssignedUserCount, Is.EqualTo(3));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_assignments WHERE profile_id = @p;", ("@p", enterprise)), Is.EqualTo(3));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles WHERE id = @p;", ("@p", pro)), Is.Zero);
        });
    }

    [Test]
    public async Task ServicesExposeReports()
    {
        var s = await StartAsync();
        Assert.That(s.Provider.GetService<IUsageReports>(), Is.Not.Null);
    }
}
