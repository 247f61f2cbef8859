using System.Text.Json;

namespace TokenQuota.Stores.Tests;

/// <summary>
/// DESIGN §3 "Administration" against the real store: one default, protected default, profiles in use, names, and
/// atomicity (a refused operation leaves every row of every table unchanged and writes no audit row; every successful
/// change writes exactly one).
/// </summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class ProfileAdministrationTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    private const string Injection = "Robert'); DROP TABLE consumption_profiles;--";

    [Test]
    public async Task SetDefaultLeavesExactlyOneDefaultRow()
    {
        var services = await StartAsync();
        var proId = await ProfileIdAsync(services.Profiles, "Pro");

        var result = await services.Profiles.SetDefaultAsync(proId, actor: "admin");

        Assert.Multiple(() =>
        {
            Assert.That(result.IsDefault, Is.True);
            Assert.That(DefaultNames(), Is.EqualTo(new[] { "Pro" }));
            Assert.That(AuditRows().Single()["action"], Is.EqualTo(QuotaAuditActions.DefaultSet));
        });
    }

    [Test]
    public async Task CreatingADefaultProfileLeavesExactlyOneDefaultRow()
    {
        var services = await StartAsync();

        var created = await services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Team", IsDefault = true }, actor: "admin");

        Assert.Multiple(() =>
        {
            Assert.That(created.IsDefault, Is.True);
            Assert.That(DefaultNames(), Is.EqualTo(new[] { "Team" }));
            Assert.That(AuditRows().Single()["action"], Is.EqualTo(QuotaAuditActions.ProfileCreated));
        });
    }

    [Test]
    public async Task UpdatingAProfileToDefaultLeavesExactlyOneDefaultRow()
    {
        var services = await StartAsync();
        var enterpriseId = await ProfileIdAsync(services.Profiles, "Enterprise");

        await services.Profiles.UpdateAsync(enterpriseId, new ConsumptionProfileUpdate { IsDefault = true });

        Assert.That(DefaultNames(), Is.EqualTo(new[] { "Enterprise" }));
    }

    [Test]
    public async Task TheDefaultProfileCannotBeDeleted()
    {
        var services = await StartAsync();
        var freeId = await ProfileIdAsync(services.Profiles, "Free");

        var refused = await AssertRefusedAsync<ConsumptionProfileOperationRefusedException>(() => services.Profiles.DeleteAsync(freeId, actor: "admin"));

        Assert.That(refused.Reason, Is.EqualTo(ProfileRefusalReason.DefaultProfileCannotBeDeleted));
    }

    [Test]
    public async Task TheDefaultProfileCannotBeDeletedEvenWithAReassignTarget()
    {
        var services = await StartAsync();
        var freeId = await ProfileIdAsync(services.Profiles, "Free");
        var proId = await ProfileIdAsync(services.Profiles, "Pro");
        await services.Profiles.AssignAsync("user-1", freeId);

        var refused = await AssertRefusedAsync<ConsumptionProfileOperationRefusedException>(() => services.Profiles.DeleteAsync(freeId, reassignTo: proId));

        Assert.That(refused.Reason, Is.EqualTo(ProfileRefusalReason.DefaultProfileCannotBeDeleted));
    }

    [Test]
    public async Task TheDefaultProfileCannotBeDeactivated()
    {
        var services = await StartAsync();
        var freeId = await ProfileIdAsync(services.Profiles, "Free");

        var refused = await AssertRefusedAsync<ConsumptionProfileOperationRefusedException>(
            () => services.Profiles.UpdateAsync(freeId, new ConsumptionProfileUpdate { IsActive = false, PromptsPerHour = 1 }));

        Assert.That(refused.Reason, Is.EqualTo(ProfileRefusalReason.DefaultProfileCannotBeDeactivated));
    }

    [Test]
    public async Task AnInactiveProfileCannotBeMadeTheDefault()
    {
        var services = await StartAsync();
        var proId = await ProfileIdAsync(services.Profiles, "Pro");
        await services.Profiles.UpdateAsync(proId, new ConsumptionProfileUpdate { IsActive = false });

        var viaSetDefault = await AssertRefusedAsync<ConsumptionProfileOperationRefusedException>(() => services.Profiles.SetDefaultAsync(proId));
        var viaCreate = await AssertRefusedAsync<ConsumptionProfileOperationRefusedException>(
            () => services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Ghost", IsDefault = true, IsActive = false }));

        Assert.Multiple(() =>
        {
            Assert.That(viaSetDefault.Reason, Is.EqualTo(ProfileRefusalReason.ProfileInactive));
            Assert.That(viaCreate.Reason, Is.EqualTo(ProfileRefusalReason.ProfileInactive));
            Assert.That(DefaultNames(), Is.EqualTo(new[] { "Free" }));
        });
    }

    [Test]
    public async Task AProfileInUseCannotBeDeletedWithoutAReassignTarget()
    {
        var services = await StartAsync();
        var proId = await ProfileIdAsync(services.Profiles, "Pro");
        await services.Profiles.AssignAsync("user-1", proId);
        await services.Profiles.AssignAsync("user-2", proId);

        var refused = await AssertRefusedAsync<ConsumptionProfileOperationRefusedException>(() => services.Profiles.DeleteAsync(proId, actor: "admin"));

        Assert.Multiple(() =>
        {
            Assert.That(refused.Reason, Is.EqualTo(ProfileRefusalReason.ProfileInUse));
            Assert.That(refused.AssignedUserCount, Is.EqualTo(2));
            Assert.That(refused.Message, Is.EqualTo("Cannot delete profile. 2 user(s) are assigned to it."));
        });
    }

    [Test]
    public async Task DeletingWithAnInvalidReassignTargetIsRefused()
    {
        var services = await StartAsync();
        var proId = await ProfileIdAsync(services.Profiles, "Pro");
        var enterpriseId = await ProfileIdAsync(services.Profiles, "Enterprise");
        await services.Profiles.AssignAsync("user-1", proId);
        await services.Profiles.UpdateAsync(enterpriseId, new ConsumptionProfileUpdate { IsActive = false });

        var toInactive = await AssertRefusedAsync<ConsumptionProfileOperationRefusedException>(() => services.Profiles.DeleteAsync(proId, reassignTo: enterpriseId));
        var toItself = await AssertRefusedAsync<ConsumptionProfileOperationRefusedException>(() => services.Profiles.DeleteAsync(proId, reassignTo: proId));
        await AssertRefusedAsync<ConsumptionProfileNotFoundException>(() => services.Profiles.DeleteAsync(proId, reassignTo: 9_999));
        await AssertRefusedAsync<ConsumptionProfileNotFoundException>(() => services.Profiles.DeleteAsync(9_999));

        Assert.Multiple(() =>
        {
            Assert.That(toInactive.Reason, Is.EqualTo(ProfileRefusalReason.ProfileInactive));
            Assert.That(toItself.Reason, Is.EqualTo(ProfileRefusalReason.InvalidReassignment));
        });
    }

    [Test]
    public async Task DeletingWithAReassignTargetMovesTheUsersAndDeletesTheProfile()
    {
        var services = await StartAsync();
        var proId = await ProfileIdAsync(services.Profiles, "Pro");
        var enterpriseId = await ProfileIdAsync(services.Profiles, "Enterprise");
        await services.Profiles.AssignAsync("user-1", proId);
        await services.Profiles.AssignAsync("user-2", proId);
        await services.Profiles.AssignAsync("user-3", enterpriseId);
        var auditBefore = AuditCount();

        await services.Profiles.DeleteAsync(proId, reassignTo: enterpriseId, actor: "admin");

        var audit = AuditRows().Last();
        Assert.Multiple(() =>
        {
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles WHERE id = @id;", ("@id", proId)), Is.Zero);
            Assert.That(
                Rows("SELECT user_id, profile_id FROM tokenquota_assignments ORDER BY user_id;").Select(r => ((string)r["user_id"]!, (long)r["profile_id"]!)),
                Is.EqualTo(new[] { ("user-1", enterpriseId), ("user-2", enterpriseId), ("user-3", enterpriseId) }));
            Assert.That(AuditCount(), Is.EqualTo(auditBefore + 1));
            Assert.That(audit["action"], Is.EqualTo(QuotaAuditActions.ProfileDeleted));
            Assert.That(audit["target"], Is.EqualTo($"profile:{proId}"));
            Assert.That(audit["actor"], Is.EqualTo("admin"));
            Assert.That(JsonDocument.Parse((string)audit["before_json"]!).RootElement.GetProperty("name").GetString(), Is.EqualTo("Pro"));
            Assert.That(JsonDocument.Parse((string)audit["after_json"]!).RootElement.GetProperty("moved_users_to").GetInt64(), Is.EqualTo(enterpriseId));
            Assert.That(JsonDocument.Parse((string)audit["after_json"]!).RootElement.GetProperty("moved_user_count").GetInt64(), Is.EqualTo(2));
        });
        Assert.That((await services.Profiles.GetEffectiveProfileAsync("user-1"))!.Name, Is.EqualTo("Enterprise"));
    }

    [Test]
    public async Task MovingTheUsersAndDeletingTheProfileHappenInOneTransaction()
    {
        var services = await StartAsync();
        var proId = await ProfileIdAsync(services.Profiles, "Pro");
        var enterpriseId = await ProfileIdAsync(services.Profiles, "Enterprise");
        await services.Profiles.AssignAsync("user-1", proId);

        // A real fault after the users were moved: the DELETE itself fails inside the store's transaction.
        Backend.FailOn("consumption_profiles", "DELETE", "injected delete failure");

        var failure = await AssertRefusedAsync<TokenQuotaStoreException>(() => services.Profiles.DeleteAsync(proId, reassignTo: enterpriseId));

        Assert.Multiple(() =>
        {
            Assert.That(failure.Message, Does.Contain("injected delete failure"));
            Assert.That(Scalar<long>("SELECT profile_id FROM tokenquota_assignments WHERE user_id = 'user-1';"), Is.EqualTo(proId), "the move was rolled back");
        });
    }

    [Test]
    public async Task ClearingTheOldDefaultAndSettingTheNewOneHappenInOneTransaction()
    {
        var services = await StartAsync();
        var proId = await ProfileIdAsync(services.Profiles, "Pro");
        Backend.FailOn("consumption_profiles", "UPDATE OF is_default", "injected default failure", when: "NEW.is_default");
        Backend.FailOn("consumption_profiles", "INSERT", "injected default failure", when: "NEW.is_default");

        await AssertRefusedAsync<TokenQuotaStoreException>(() => services.Profiles.SetDefaultAsync(proId));
        await AssertRefusedAsync<TokenQuotaStoreException>(() => services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Team", IsDefault = true }));

        Assert.That(DefaultNames(), Is.EqualTo(new[] { "Free" }));
    }

    [Test]
    public async Task AChangeWhoseAuditEntryCannotBeWrittenIsRolledBack()
    {
        var services = await StartAsync();
        var proId = await ProfileIdAsync(services.Profiles, "Pro");
        Backend.FailOn("tokenquota_audit_log", "INSERT", "injected audit failure");

        await AssertRefusedAsync<TokenQuotaStoreException>(() => services.Profiles.SetDefaultAsync(proId));
        await AssertRefusedAsync<TokenQuotaStoreException>(() => services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Team" }));
        await AssertRefusedAsync<TokenQuotaStoreException>(() => services.Profiles.AssignAsync("user-1", proId));
        await AssertRefusedAsync<TokenQuotaStoreException>(() => services.Profiles.DeleteAsync(proId));

        Assert.That(DefaultNames(), Is.EqualTo(new[] { "Free" }));
    }

    [Test]
    public async Task AssigningAnInactiveOrUnknownProfileIsRefused()
    {
        var services = await StartAsync();
        var proId = await ProfileIdAsync(services.Profiles, "Pro");
        await services.Profiles.UpdateAsync(proId, new ConsumptionProfileUpdate { IsActive = false });

        var inactive = await AssertRefusedAsync<ConsumptionProfileOperationRefusedException>(() => services.Profiles.AssignAsync("user-1", proId, actor: "admin"));
        var unknown = await AssertRefusedAsync<ConsumptionProfileNotFoundException>(() => services.Profiles.AssignAsync("user-1", 9_999));

        Assert.Multiple(() =>
        {
            Assert.That(inactive.Reason, Is.EqualTo(ProfileRefusalReason.ProfileInactive));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_assignments;"), Is.Zero);
        });
    }

    [Test]
    public async Task AssigningNullReturnsTheUserToTheDefault()
    {
        var services = await StartAsync();
        await services.Profiles.AssignAsync("user-1", await ProfileIdAsync(services.Profiles, "Pro"));

        await services.Profiles.AssignAsync("user-1", null, actor: "admin");
        var effective = await services.Profiles.GetEffectiveProfileAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_assignments;"), Is.Zero);
            Assert.That(effective!.Name, Is.EqualTo("Free"));
            Assert.That(AuditRows().Last()["action"], Is.EqualTo(QuotaAuditActions.UserUnassigned));
        });
    }

    [TestCase("free")]
    [TestCase("FREE")]
    [TestCase("  Free  ")]
    [TestCase("fReE")]
    public async Task DuplicateNamesIgnoringCaseAreRefused(string name)
    {
        var services = await StartAsync();

        await AssertRefusedAsync<ConsumptionProfileConflictException>(() => services.Profiles.CreateAsync(new NewConsumptionProfile { Name = name }));
        await AssertRefusedAsync<ConsumptionProfileConflictException>(
            () => services.Profiles.UpdateAsync(1 + Scalar<long>("SELECT MIN(id) FROM consumption_profiles;"), new ConsumptionProfileUpdate { Name = name }));
    }

    [Test]
    public async Task DuplicateNonAsciiNamesIgnoringCaseAreRefused()
    {
        var services = await StartAsync();
        await services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Ärger" });

        await AssertRefusedAsync<ConsumptionProfileConflictException>(() => services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "ärger" }));
    }

    [Test]
    public async Task AProfileCanBeRenamedToADifferentCaseOfItsOwnName()
    {
        var services = await StartAsync();
        var proId = await ProfileIdAsync(services.Profiles, "Pro");

        await services.Profiles.UpdateAsync(proId, new ConsumptionProfileUpdate { Name = "PRO" });

        Assert.That(Scalar<string>("SELECT name FROM consumption_profiles WHERE id = @id;", ("@id", proId)), Is.EqualTo("PRO"));
    }

    [Test]
    public async Task NamesAndDescriptionsAreStoredVerbatimEvenWhenTheyLookLikeSql()
    {
        var services = await StartAsync();

        var created = await services.Profiles.CreateAsync(new NewConsumptionProfile { Name = Injection, Description = "x'; DELETE FROM user_token_usage; --" });
        await services.Profiles.AssignAsync("user-1", created.Id);
        var renamed = await services.Profiles.UpdateAsync(created.Id, new ConsumptionProfileUpdate { Description = "\"; DROP TABLE tokenquota_audit_log; --" });
        var status = await services.Checker.GetStatusAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(Scalar<string>("SELECT name FROM consumption_profiles WHERE id = @id;", ("@id", created.Id)), Is.EqualTo(Injection));
            Assert.That(Scalar<string>("SELECT description FROM consumption_profiles WHERE id = @id;", ("@id", created.Id)), Is.EqualTo("\"; DROP TABLE tokenquota_audit_log; --"));
            Assert.That(renamed.Name, Is.EqualTo(Injection));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles;"), Is.EqualTo(5));
            Assert.That(Backend.TableNames(), Is.SupersetOf(new[] { "consumption_profiles", "tokenquota_audit_log", "user_token_usage" }));
            Assert.That(status.ProfileName, Is.EqualTo(Injection));
            Assert.That(AuditCount(), Is.EqualTo(3));
        });

        await AssertRefusedAsync<ConsumptionProfileConflictException>(() => services.Profiles.CreateAsync(new NewConsumptionProfile { Name = Injection.ToUpperInvariant() }));
    }

    [Test]
    public async Task NamesAreTrimmed()
    {
        var services = await StartAsync();

        var created = await services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "  Team A \t" });

        Assert.Multiple(() =>
        {
            Assert.That(created.Name, Is.EqualTo("Team A"));
            Assert.That(Scalar<string>("SELECT name FROM consumption_profiles WHERE id = @id;", ("@id", created.Id)), Is.EqualTo("Team A"));
        });
    }

    [Test]
    public async Task InvalidFieldsAreRefused()
    {
        var services = await StartAsync();
        var proId = await ProfileIdAsync(services.Profiles, "Pro");

        await AssertRefusedAsync<ConsumptionProfileValidationException>(() => services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "   " }));
        await AssertRefusedAsync<ConsumptionProfileValidationException>(() => services.Profiles.CreateAsync(new NewConsumptionProfile { Name = new string('n', 101) }));
        await AssertRefusedAsync<ConsumptionProfileValidationException>(() => services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Neg", PromptsPerHour = -1 }));
        await AssertRefusedAsync<ConsumptionProfileValidationException>(() => services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Neg", InputTokensPerMonth = -1 }));
        await AssertRefusedAsync<ConsumptionProfileValidationException>(() => services.Profiles.UpdateAsync(proId, new ConsumptionProfileUpdate { PromptsPerDay = -5 }));
        await AssertRefusedAsync<ConsumptionProfileValidationException>(() => services.Profiles.UpdateAsync(proId, new ConsumptionProfileUpdate { OutputTokensPerMonth = -1L }));
        await AssertRefusedAsync<ConsumptionProfileNotFoundException>(() => services.Profiles.UpdateAsync(9_999, new ConsumptionProfileUpdate { PromptsPerDay = 5 }));

        var longest = await services.Profiles.CreateAsync(new NewConsumptionProfile { Name = new string('n', 100) });
        Assert.That(longest.Name, Has.Length.EqualTo(100));
    }

    [Test]
    public async Task EverySuccessfulChangeWritesExactlyOneAuditRow()
    {
        var services = await StartAsync();
        var freeId = await ProfileIdAsync(services.Profiles, "Free");
        var proId = await ProfileIdAsync(services.Profiles, "Pro");
        long teamId = 0;

        var steps = new (string Action, Func<Task> Change, Func<string> Target)[]
        {
            (QuotaAuditActions.ProfileCreated, async () => teamId = (await services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Team", InputTokensPerMonth = 5 }, "alice")).Id, () => $"profile:{teamId}"),
            (QuotaAuditActions.ProfileUpdated, () => services.Profiles.UpdateAsync(teamId, new ConsumptionProfileUpdate { InputTokensPerMonth = 6L }, "alice"), () => $"profile:{teamId}"),
            (QuotaAuditActions.DefaultSet, () => services.Profiles.SetDefaultAsync(teamId, "alice"), () => $"profile:{teamId}"),
            (QuotaAuditActions.UserAssigned, () => services.Profiles.AssignAsync("user-1", proId, "alice"), () => "user:user-1"),
            (QuotaAuditActions.UserAssigned, () => services.Profiles.AssignAsync("user-1", freeId, "alice"), () => "user:user-1"),
            (QuotaAuditActions.UserUnassigned, () => services.Profiles.AssignAsync("user-1", null, "alice"), () => "user:user-1"),
            (QuotaAuditActions.DefaultSet, () => services.Profiles.SetDefaultAsync(freeId, "alice"), () => $"profile:{freeId}"),
            (QuotaAuditActions.ProfileDeleted, () => services.Profiles.DeleteAsync(teamId, actor: "alice"), () => $"profile:{teamId}"),
        };

        var minute = 0;
        foreach (var (action, change, target) in steps)
        {
            Clock.Advance(TimeSpan.FromMinutes(1));
            minute++;
            var before = AuditCount();
            await change();
            var row = AuditRows().Last();
            Assert.Multiple(() =>
            {
                Assert.That(AuditCount(), Is.EqualTo(before + 1), action);
                Assert.That(row["action"], Is.EqualTo(action));
                Assert.That(row["target"], Is.EqualTo(target()), action);
                Assert.That(row["actor"], Is.EqualTo("alice"), action);
                Assert.That(row["occurred_at"], Is.EqualTo(Start.AddMinutes(minute).ToUnixTimeMilliseconds()), action);
            });
        }

        var audit = AuditRows();
        Assert.Multiple(() =>
        {
            Assert.That(audit[0]["before_json"], Is.Null, "a created profile has no before");
            Assert.That(JsonDocument.Parse((string)audit[0]["after_json"]!).RootElement.GetProperty("name").GetString(), Is.EqualTo("Team"));
            Assert.That(JsonDocument.Parse((string)audit[1]["before_json"]!).RootElement.GetProperty("input_tokens_per_month").GetInt64(), Is.EqualTo(5));
            Assert.That(JsonDocument.Parse((string)audit[1]["after_json"]!).RootElement.GetProperty("input_tokens_per_month").GetInt64(), Is.EqualTo(6));
            Assert.That(audit[3]["before_json"], Is.Null, "user-1 had no assignment");
            Assert.That(JsonDocument.Parse((string)audit[3]["after_json"]!).RootElement.GetProperty("profile_id").GetInt64(), Is.EqualTo(proId));
            Assert.That(audit[5]["after_json"], Is.Null, "unassigned");
        });
    }

    [Test]
    public async Task ReadsWriteNoAuditRows()
    {
        var services = await StartAsync();
        var before = Snapshot();

        await services.Profiles.ListAsync();
        await services.Profiles.GetAsync(await ProfileIdAsync(services.Profiles, "Pro"));
        await services.Profiles.GetEffectiveProfileAsync("user-1");
        await services.Checker.GetStatusAsync("user-1");
        await services.Checker.CheckAsync("user-1", 1, 1);
        await Assert.ThrowsAsync<ConsumptionProfileNotFoundException>(() => services.Profiles.GetAsync(9_999));

        Assert.That(Snapshot(), Is.EqualTo(before));
    }

    [Test]
    public async Task ListReportsHowManyUsersAreAssigned()
    {
        var services = await StartAsync();
        var proId = await ProfileIdAsync(services.Profiles, "Pro");
        await services.Profiles.AssignAsync("user-1", proId);
        await services.Profiles.AssignAsync("user-2", proId);

        var profiles = await services.Profiles.ListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(profiles[0].Name, Is.EqualTo("Free"), "the default comes first");
            Assert.That(profiles.Single(p => p.Name == "Pro").UserCount, Is.EqualTo(2));
            Assert.That(profiles.Single(p => p.Name == "Free").UserCount, Is.Zero);
        });
    }

    private async Task<TException> AssertRefusedAsync<TException>(Func<Task> operation)
        where TException : Exception
    {
        var before = Snapshot();
        var auditBefore = AuditCount();

        var exception = await Assert.ThrowsAsync<TException>(async () => await operation());

        Assert.Multiple(() =>
        {
            Assert.That(Snapshot(), Is.EqualTo(before), $"the refused operation ({typeof(TException).Name}) changed the database");
            Assert.That(AuditCount(), Is.EqualTo(auditBefore), "a refused operation wrote an audit row");
        });
        return exception!;
    }

    private string[] DefaultNames() =>
        Rows("SELECT name FROM consumption_profiles WHERE is_default;").Select(r => (string)r["name"]!).ToArray();

    private List<Dictionary<string, object?>> AuditRows() => Rows("SELECT * FROM tokenquota_audit_log ORDER BY id;");
}
