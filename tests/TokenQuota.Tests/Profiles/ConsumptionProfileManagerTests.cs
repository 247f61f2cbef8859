using System.Text.Json;
using Moq;
using TokenQuota.Storage;
using TokenQuota.Tests.TestSupport;

namespace TokenQuota.Tests;

public class ConsumptionProfileManagerTests
{
    private static readonly DateTimeOffset ChangeTime = new(2025, 12, 15, 10, 30, 5, TimeSpan.Zero);
    private QuotaHarness harness = null!;
    private InMemoryAdminSession session = null!;

    private IConsumptionProfileManager Manager => harness.Manager;

    [SetUp]
    public void SetUp()
    {
        harness = new QuotaHarness();
        session = new InMemoryAdminSession(ChangeTime)
            .Add(Profiles.Make(1, "Free", input: 10_000, output: 5_000, isDefault: true))
            .Add(Profiles.Make(2, "Pro", input: 500_000, output: 250_000))
            .Add(Profiles.Make(3, "Retired", isActive: false));
        session.AttachTo(harness.Store);
    }

    [TearDown]
    public void TearDown() => harness.Dispose();

    private void AssertNothingWritten()
    {
        Assert.Multiple(() =>
        {
            Assert.That(session.Writes, Is.Empty);
            Assert.That(session.Audit, Is.Empty);
        });
    }

    private void AssertNoAdminChangeStarted()
    {
        Assert.That(session.Changes, Is.Zero);
        harness.VerifyNoWrites();
    }

    // ---- create ----

    [Test]
    public async Task CreateTrimsTheNameInsertsAndWritesOneAuditEntry()
    {
        var created = await Manager.CreateAsync(
            new NewConsumptionProfile { Name = "  Team  ", Description = "for teams", PromptsPerHour = 60, InputTokensPerMonth = 1_000 },
            actor: "admin");

        var stored = session.Find(created.Id)!;
        Assert.Multiple(() =>
        {
            Assert.That(created.Name, Is.EqualTo("Team"));
            Assert.That(created.Id, Is.EqualTo(100));
            Assert.That(created.CreatedAt, Is.EqualTo(ChangeTime));
            Assert.That(created.IsActive, Is.True);
            Assert.That(created.IsDefault, Is.False);
            Assert.That(created.PromptsPerDay, Is.EqualTo(1000), "omitted fields take the seed's defaults");
            Assert.That(stored.Name, Is.EqualTo("Team"));
            Assert.That(stored.PromptsPerHour, Is.EqualTo(60));
            Assert.That(session.Writes, Is.EqualTo(new[] { "insert:Team", "audit:profile.create" }));
        });

        var audit = session.Audit.Single();
        Assert.Multiple(() =>
        {
            Assert.That(audit.Action, Is.EqualTo(QuotaAuditActions.ProfileCreated));
            Assert.That(audit.Target, Is.EqualTo("profile:100"));
            Assert.That(audit.Actor, Is.EqualTo("admin"));
            Assert.That(audit.OccurredAt, Is.EqualTo(ChangeTime));
            Assert.That(audit.Before, Is.Null);
            Assert.That(audit.After, Is.Not.Null);
        });
        using var after = JsonDocument.Parse(audit.After!);
        Assert.Multiple(() =>
        {
            Assert.That(after.RootElement.GetProperty("name").GetString(), Is.EqualTo("Team"));
            Assert.That(after.RootElement.GetProperty("id").GetInt64(), Is.EqualTo(100));
            Assert.That(after.RootElement.GetProperty("input_tokens_per_month").GetInt64(), Is.EqualTo(1_000));
        });
    }

    [Test]
    public async Task CreateAsDefaultClearsThePreviousDefaultBeforeInsertingInTheSameChange()
    {
        var created = await Manager.CreateAsync(new NewConsumptionProfile { Name = "Starter", IsDefault = true });

        Assert.Multiple(() =>
        {
            Assert.That(session.Changes, Is.EqualTo(1));
            Assert.That(session.Writes, Is.EqualTo(new[] { "clear_default", "insert:Starter", "audit:profile.create" }));
            Assert.That(session.Stored.Where(p => p.IsDefault).Select(p => p.Id), Is.EqualTo(new[] { created.Id }));
        });
    }

    [Test]
    public async Task CreateInactiveDefaultIsRefusedAndWritesNothing()
    {
        var error = await Assert.ThrowsAsync<ConsumptionProfileOperationRefusedException>(
            async () => await Manager.CreateAsync(new NewConsumptionProfile { Name = "Odd", IsDefault = true, IsActive = false }));

        Assert.That(error!.Reason, Is.EqualTo(ProfileRefusalReason.ProfileInactive));
        AssertNothingWritten();
    }

    [TestCase("Pro")]
    [TestCase("pro")]
    [TestCase("  PRO ")]
    [TestCase("retired")]
    public async Task CreateDuplicateNameIgnoringCaseIsAConflictAndWritesNothing(string name)
    {
        var error = await Assert.ThrowsAsync<ConsumptionProfileConflictException>(
            async () => await Manager.CreateAsync(new NewConsumptionProfile { Name = name }));

        Assert.That(error!.Name, Is.EqualTo(name.Trim()));
        AssertNothingWritten();
    }

    [Test]
    public async Task CreateHundredCharacterNameAfterTrimmingIsAccepted()
    {
        var name = new string('n', 100);

        var created = await Manager.CreateAsync(new NewConsumptionProfile { Name = "   " + name + "  " });

        Assert.That(created.Name, Is.EqualTo(name));
    }

    [Test]
    public async Task CreateZeroRatesAndLimitsAreAccepted()
    {
        var created = await Manager.CreateAsync(new NewConsumptionProfile
        {
            Name = "Blocked",
            PromptsPerHour = 0,
            PromptsPerDay = 0,
            ConfigChangesPerHour = 0,
            InputTokensPerMonth = 0,
            OutputTokensPerMonth = 0,
        });

        Assert.That(created.InputTokensPerMonth, Is.Zero);
    }

    private static IEnumerable<TestCaseData> InvalidNewProfiles()
    {
        yield return new TestCaseData(new NewConsumptionProfile { Name = "" }, "name").SetArgDisplayNames("empty name");
        yield return new TestCaseData(new NewConsumptionProfile { Name = "   " }, "name").SetArgDisplayNames("whitespace name");
        yield return new TestCaseData(new NewConsumptionProfile { Name = null! }, "name").SetArgDisplayNames("null name");
        yield return new TestCaseData(new NewConsumptionProfile { Name = new string('x', 101) }, "name").SetArgDisplayNames("101-char name");
        yield return new TestCaseData(new NewConsumptionProfile { Name = "bad\u0001name" }, "name").SetArgDisplayNames("control char in name");
        yield return new TestCaseData(new NewConsumptionProfile { Name = "A", PromptsPerHour = -1 }, "prompts_per_hour").SetArgDisplayNames("negative prompts/hour");
        yield return new TestCaseData(new NewConsumptionProfile { Name = "A", PromptsPerDay = -1 }, "prompts_per_day").SetArgDisplayNames("negative prompts/day");
        yield return new TestCaseData(new NewConsumptionProfile { Name = "A", ConfigChangesPerHour = -3 }, "config_changes_per_hour").SetArgDisplayNames("negative config/hour");
        yield return new TestCaseData(new NewConsumptionProfile { Name = "A", InputTokensPerMonth = -1 }, "input_tokens_per_month").SetArgDisplayNames("negative input limit");
        yield return new TestCaseData(new NewConsumptionProfile { Name = "A", OutputTokensPerMonth = -1 }, "output_tokens_per_month").SetArgDisplayNames("negative output limit");
    }

    [TestCaseSource(nameof(InvalidNewProfiles))]
    public async Task CreateInvalidFieldThrowsValidationKeyedByFieldAndStartsNoChange(NewConsumptionProfile profile, string field)
    {
        var error = await Assert.ThrowsAsync<ConsumptionProfileValidationException>(async () => await Manager.CreateAsync(profile));

        Assert.That(error!.Errors.Keys, Is.EquivalentTo(new[] { field }));
        AssertNoAdminChangeStarted();
    }

    [Test]
    public async Task CreateSeveralInvalidFieldsReportsEveryOne()
    {
        var error = await Assert.ThrowsAsync<ConsumptionProfileValidationException>(async () => await Manager.CreateAsync(
            new NewConsumptionProfile { Name = " ", PromptsPerHour = -1, PromptsPerDay = -2, OutputTokensPerMonth = -3 }));

        Assert.That(error!.Errors.Keys, Is.EquivalentTo(new[] { "name", "prompts_per_hour", "prompts_per_day", "output_tokens_per_month" }));
        AssertNoAdminChangeStarted();
    }

    // ---- update ----

    [Test]
    public async Task UpdateChangesOnlyTheFieldsSetAndWritesOneAuditEntry()
    {
        var updated = await Manager.UpdateAsync(
            2,
            new ConsumptionProfileUpdate { Name = " Pro Plus ", PromptsPerHour = 250, InputTokensPerMonth = new Optional<long?>(null) },
            actor: "ops");

        Assert.Multiple(() =>
        {
            Assert.That(updated.Name, Is.EqualTo("Pro Plus"));
            Assert.That(updated.PromptsPerHour, Is.EqualTo(250));
            Assert.That(updated.InputTokensPerMonth, Is.Null, "a set null means unlimited");
            Assert.That(updated.OutputTokensPerMonth, Is.EqualTo(250_000), "unset fields are kept");
            Assert.That(updated.PromptsPerDay, Is.EqualTo(1000));
            Assert.That(updated.UpdatedAt, Is.EqualTo(ChangeTime));
            Assert.That(session.Find(2), Is.EqualTo(updated));
            Assert.That(session.Writes, Is.EqualTo(new[] { "update:2", "audit:profile.update" }));
        });
        var audit = session.Audit.Single();
        Assert.Multiple(() =>
        {
            Assert.That(audit.Target, Is.EqualTo("profile:2"));
            Assert.That(audit.Actor, Is.EqualTo("ops"));
            Assert.That(audit.Before, Does.Contain("\"name\":\"Pro\""));
            Assert.That(audit.After, Does.Contain("\"name\":\"Pro Plus\""));
        });
    }

    [Test]
    public async Task UpdateRenamingToTheSameNameInAnotherCaseIsAllowed()
    {
        var updated = await Manager.UpdateAsync(2, new ConsumptionProfileUpdate { Name = "PRO" });

        Assert.That(updated.Name, Is.EqualTo("PRO"));
    }

    [Test]
    public async Task UpdateRenamingToAnotherProfilesNameIgnoringCaseIsAConflictAndWritesNothing()
    {
        var error = await Assert.ThrowsAsync<ConsumptionProfileConflictException>(
            async () => await Manager.UpdateAsync(2, new ConsumptionProfileUpdate { Name = "free" }));

        Assert.That(error!.Name, Is.EqualTo("free"));
        AssertNothingWritten();
    }

    [Test]
    public async Task UpdateUnknownIdIsNotFound()
    {
        var error = await Assert.ThrowsAsync<ConsumptionProfileNotFoundException>(
            async () => await Manager.UpdateAsync(42, new ConsumptionProfileUpdate { PromptsPerHour = 1 }));

        Assert.That(error!.ProfileId, Is.EqualTo(42));
        AssertNothingWritten();
    }

    [Test]
    public async Task UpdateInvalidFieldsThrowValidationAndStartNoChange()
    {
        var error = await Assert.ThrowsAsync<ConsumptionProfileValidationException>(async () => await Manager.UpdateAsync(
            2,
            new ConsumptionProfileUpdate { Name = new string('y', 101), ConfigChangesPerHour = -1, InputTokensPerMonth = -10 }));

        Assert.That(error!.Errors.Keys, Is.EquivalentTo(new[] { "name", "config_changes_per_hour", "input_tokens_per_month" }));
        AssertNoAdminChangeStarted();
    }

    [Test]
    public async Task UpdateDeactivatingTheDefaultIsRefusedAndWritesNothing()
    {
        var error = await Assert.ThrowsAsync<ConsumptionProfileOperationRefusedException>(
            async () => await Manager.UpdateAsync(1, new ConsumptionProfileUpdate { IsActive = false }));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(ProfileRefusalReason.DefaultProfileCannotBeDeactivated));
            Assert.That(session.Find(1)!.IsActive, Is.True);
        });
        AssertNothingWritten();
    }

    [Test]
    public async Task UpdateMakingAnInactiveProfileTheDefaultIsRefused()
    {
        var error = await Assert.ThrowsAsync<ConsumptionProfileOperationRefusedException>(
            async () => await Manager.UpdateAsync(3, new ConsumptionProfileUpdate { IsDefault = true }));

        Assert.That(error!.Reason, Is.EqualTo(ProfileRefusalReason.ProfileInactive));
        AssertNothingWritten();
    }

    [Test]
    public async Task UpdateMakingTheDefaultClearsThePreviousDefaultFirst()
    {
        await Manager.UpdateAsync(2, new ConsumptionProfileUpdate { IsDefault = true });

        Assert.Multiple(() =>
        {
            Assert.That(session.Writes, Is.EqualTo(new[] { "clear_default", "update:2", "audit:profile.update" }));
            Assert.That(session.Stored.Where(p => p.IsDefault).Select(p => p.Id), Is.EqualTo(new[] { 2L }));
        });
    }

    [Test]
    public async Task UpdateDeactivatingAnotherProfileIsAllowed()
    {
        var updated = await Manager.UpdateAsync(2, new ConsumptionProfileUpdate { IsActive = false });

        Assert.Multiple(() =>
        {
            Assert.That(updated.IsActive, Is.False);
            Assert.That(session.Audit, Has.Count.EqualTo(1));
        });
    }

    // ---- delete ----

    [Test]
    public async Task DeleteTheDefaultIsRefusedAndWritesNothing()
    {
        var error = await Assert.ThrowsAsync<ConsumptionProfileOperationRefusedException>(async () => await Manager.DeleteAsync(1));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(ProfileRefusalReason.DefaultProfileCannotBeDeleted));
            Assert.That(session.Find(1), Is.Not.Null);
        });
        AssertNothingWritten();
    }

    [Test]
    public async Task DeleteInUseWithoutReassignToIsRefusedWithTheUserCount()
    {
        session.Assignments["alice"] = 2;
        session.Assignments["bob"] = 2;
        session.Assignments["carol"] = 2;
        session.Assignments["dave"] = 1;

        var error = await Assert.ThrowsAsync<ConsumptionProfileOperationRefusedException>(async () => await Manager.DeleteAsync(2));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(ProfileRefusalReason.ProfileInUse));
            Assert.That(error.AssignedUserCount, Is.EqualTo(3));
            Assert.That(error.Message, Is.EqualTo("Cannot delete profile. 3 user(s) are assigned to it."));
            Assert.That(session.Find(2), Is.Not.Null);
        });
        AssertNothingWritten();
    }

    [Test]
    public async Task DeleteInUseWithReassignToMovesUsersThenDeletesInOneChange()
    {
        session.Assignments["alice"] = 2;
        session.Assignments["bob"] = 2;

        await Manager.DeleteAsync(2, reassignTo: 1, actor: "admin");

        Assert.Multiple(() =>
        {
            Assert.That(session.Changes, Is.EqualTo(1));
            Assert.That(session.Writes, Is.EqualTo(new[] { "move:2->1", "delete:2", "audit:profile.delete" }));
            Assert.That(session.Find(2), Is.Null);
            Assert.That(session.Assignments.Values, Is.All.EqualTo(1L));
        });
        var audit = session.Audit.Single();
        Assert.Multiple(() =>
        {
            Assert.That(audit.Target, Is.EqualTo("profile:2"));
            Assert.That(audit.Before, Does.Contain("\"name\":\"Pro\""));
            Assert.That(audit.After, Does.Contain("\"moved_users_to\":1").And.Contain("\"moved_user_count\":2"));
        });
    }

    [Test]
    public async Task DeleteUnusedDeletesAndAuditsWithoutAfter()
    {
        await Manager.DeleteAsync(3);

        Assert.Multiple(() =>
        {
            Assert.That(session.Writes, Is.EqualTo(new[] { "delete:3", "audit:profile.delete" }));
            Assert.That(session.Audit.Single().After, Is.Null);
        });
    }

    [Test]
    public async Task DeleteUnknownIdIsNotFound()
    {
        var error = await Assert.ThrowsAsync<ConsumptionProfileNotFoundException>(async () => await Manager.DeleteAsync(77));

        Assert.That(error!.ProfileId, Is.EqualTo(77));
        AssertNothingWritten();
    }

    [Test]
    public async Task DeleteReassignToUnknownIsNotFoundForTheTarget()
    {
        session.Assignments["alice"] = 2;

        var error = await Assert.ThrowsAsync<ConsumptionProfileNotFoundException>(async () => await Manager.DeleteAsync(2, reassignTo: 88));

        Assert.That(error!.ProfileId, Is.EqualTo(88));
        AssertNothingWritten();
    }

    [Test]
    public async Task DeleteReassignToInactiveIsRefused()
    {
        session.Assignments["alice"] = 2;

        var error = await Assert.ThrowsAsync<ConsumptionProfileOperationRefusedException>(async () => await Manager.DeleteAsync(2, reassignTo: 3));

        Assert.That(error!.Reason, Is.EqualTo(ProfileRefusalReason.ProfileInactive));
        AssertNothingWritten();
    }

    [Test]
    public async Task DeleteReassignToItselfIsRefused()
    {
        session.Assignments["alice"] = 2;

        var error = await Assert.ThrowsAsync<ConsumptionProfileOperationRefusedException>(async () => await Manager.DeleteAsync(2, reassignTo: 2));

        Assert.That(error!.Reason, Is.EqualTo(ProfileRefusalReason.InvalidReassignment));
        AssertNothingWritten();
    }

    // ---- set default ----

    [Test]
    public async Task SetDefaultClearsThePreviousDefaultInTheSameChangeAndAuditsOnce()
    {
        var next = await Manager.SetDefaultAsync(2, actor: "admin");

        Assert.Multiple(() =>
        {
            Assert.That(next.IsDefault, Is.True);
            Assert.That(session.Changes, Is.EqualTo(1));
            Assert.That(session.Writes, Is.EqualTo(new[] { "clear_default", "update:2", "audit:profile.set_default" }));
            Assert.That(session.Stored.Where(p => p.IsDefault).Select(p => p.Id), Is.EqualTo(new[] { 2L }));
            Assert.That(session.Audit.Single().Target, Is.EqualTo("profile:2"));
            Assert.That(session.Audit.Single().Actor, Is.EqualTo("admin"));
        });
    }

    [Test]
    public async Task SetDefaultInactiveIsRefusedAndWritesNothing()
    {
        var error = await Assert.ThrowsAsync<ConsumptionProfileOperationRefusedException>(async () => await Manager.SetDefaultAsync(3));

        Assert.That(error!.Reason, Is.EqualTo(ProfileRefusalReason.ProfileInactive));
        AssertNothingWritten();
    }

    [Test]
    public async Task SetDefaultAlreadyDefaultChangesNothing()
    {
        var same = await Manager.SetDefaultAsync(1);

        Assert.That(same.Id, Is.EqualTo(1));
        AssertNothingWritten();
    }

    [Test]
    public async Task SetDefaultUnknownIdIsNotFound()
    {
        await Assert.ThatAsync(async () => await Manager.SetDefaultAsync(9), Throws.TypeOf<ConsumptionProfileNotFoundException>());
        AssertNothingWritten();
    }

    // ---- assign ----

    [Test]
    public async Task AssignActiveProfileSetsTheAssignmentAndAuditsOnce()
    {
        await Manager.AssignAsync("alice", 2, actor: "admin");

        Assert.Multiple(() =>
        {
            Assert.That(session.Assignments["alice"], Is.EqualTo(2));
            Assert.That(session.Writes, Is.EqualTo(new[] { "assign:alice=2", "audit:user.assign" }));
        });
        var audit = session.Audit.Single();
        Assert.Multiple(() =>
        {
            Assert.That(audit.Action, Is.EqualTo(QuotaAuditActions.UserAssigned));
            Assert.That(audit.Target, Is.EqualTo("user:alice"));
            Assert.That(audit.Before, Is.Null);
            Assert.That(audit.After, Is.EqualTo("{\"profile_id\":2}"));
        });
    }

    [Test]
    public async Task AssignNullReturnsTheUserToTheDefault()
    {
        session.Assignments["alice"] = 2;

        await Manager.AssignAsync("alice", null);

        Assert.Multiple(() =>
        {
            Assert.That(session.Assignments, Does.Not.ContainKey("alice"));
            Assert.That(session.Audit.Single().Action, Is.EqualTo(QuotaAuditActions.UserUnassigned));
            Assert.That(session.Audit.Single().Before, Is.EqualTo("{\"profile_id\":2}"));
            Assert.That(session.Audit.Single().After, Is.Null);
        });
    }

    [Test]
    public async Task AssignInactiveProfileIsRefusedAndWritesNothing()
    {
        var error = await Assert.ThrowsAsync<ConsumptionProfileOperationRefusedException>(async () => await Manager.AssignAsync("alice", 3));

        Assert.That(error!.Reason, Is.EqualTo(ProfileRefusalReason.ProfileInactive));
        AssertNothingWritten();
    }

    [Test]
    public async Task AssignUnknownProfileIsNotFoundAndWritesNothing()
    {
        var error = await Assert.ThrowsAsync<ConsumptionProfileNotFoundException>(async () => await Manager.AssignAsync("alice", 404));

        Assert.That(error!.ProfileId, Is.EqualTo(404));
        AssertNothingWritten();
    }

    [Test]
    public async Task AssignSameProfileAgainChangesNothing()
    {
        session.Assignments["alice"] = 2;

        await Manager.AssignAsync("alice", 2);

        AssertNothingWritten();
    }

    // ---- reads ----

    [Test]
    public async Task ListPutsTheDefaultFirstThenSortsByNameIgnoringCase()
    {
        session.Add(Profiles.Make(4, "basic"));
        session.Assignments["alice"] = 2;

        var list = await Manager.ListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(list.Select(p => p.Name), Is.EqualTo(new[] { "Free", "basic", "Pro", "Retired" }));
            Assert.That(list.Single(p => p.Id == 2).UserCount, Is.EqualTo(1));
        });
        harness.VerifyNoWrites();
    }

    [Test]
    public async Task GetUnknownIdIsNotFound()
    {
        var error = await Assert.ThrowsAsync<ConsumptionProfileNotFoundException>(async () => await Manager.GetAsync(123));

        Assert.That(error!.ProfileId, Is.EqualTo(123));
    }

    [Test]
    public async Task GetKnownIdReturnsTheProfile()
    {
        var profile = await Manager.GetAsync(2);

        Assert.That(profile.Name, Is.EqualTo("Pro"));
    }

    // ---- atomicity ----

    [Test]
    public async Task EveryChangeRunsInExactlyOneAdminChangeWithExactlyOneAuditEntry()
    {
        session.Assignments["zed"] = 2;

        await Manager.CreateAsync(new NewConsumptionProfile { Name = "Team" });
        await Manager.UpdateAsync(2, new ConsumptionProfileUpdate { PromptsPerDay = 3000 });
        await Manager.SetDefaultAsync(2);
        await Manager.AssignAsync("alice", 2);
        await Manager.AssignAsync("alice", null);
        await Manager.DeleteAsync(1, reassignTo: 2);

        Assert.Multiple(() =>
        {
            Assert.That(session.Changes, Is.EqualTo(6));
            Assert.That(session.Audit.Select(a => a.Action), Is.EqualTo(new[]
            {
                QuotaAuditActions.ProfileCreated,
                QuotaAuditActions.ProfileUpdated,
                QuotaAuditActions.DefaultSet,
                QuotaAuditActions.UserAssigned,
                QuotaAuditActions.UserUnassigned,
                QuotaAuditActions.ProfileDeleted,
            }));
            Assert.That(session.Audit, Has.All.Property(nameof(QuotaAuditEntry.OccurredAt)).EqualTo(ChangeTime));
        });
        harness.Store.Verify(
            s => s.ExecuteAdminChangeAsync(It.IsAny<Func<IQuotaAdminSession, CancellationToken, Task<It.IsAnyType>>>(), It.IsAny<CancellationToken>()),
            Times.Exactly(6));
    }
}
