namespace TokenQuota.Stores.Tests;

[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class MaintenanceTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    [Test]
    public async Task AssignsUnlimitedToKnownUnassignedUsersAndMakesItTheDefault()
    {
        var s = await StartAsync();
        await s.Checker.RecordAsync("with-usage", 10, 5);
        await s.Rates.AcquirePromptAsync("with-prompts");
        await s.Profiles.AssignAsync("on-pro", await ProfileIdAsync(s.Profiles, "Pro"));
        await s.Checker.RecordAsync("on-pro", 1, 1);

        var summary = await s.Profiles.AssignProfileToUnassignedUsersAsync("Unlimited", makeDefault: true, ["host-user", "on-pro"], actor: "ops");
        var unlimited = await ProfileIdAsync(s.Profiles, "Unlimited");

        var assignments = Rows("SELECT user_id, profile_id FROM tokenquota_assignments ORDER BY user_id;")
            .ToDictionary(r => (string)r["user_id"]!, r => (long)r["profile_id"]!);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(summary.UsersAssigned, Is.EqualTo(3));
            Assert.That(summary.ProfileId, Is.EqualTo(unlimited));
            Assert.That(assignments["with-usage"], Is.EqualTo(unlimited));
            Assert.That(assignments["with-prompts"], Is.EqualTo(unlimited));
            Assert.That(assignments["host-user"], Is.EqualTo(unlimited));
            Assert.That(assignments["on-pro"], Is.EqualTo(await ProfileIdAsync(s.Profiles, "Pro")), "explicit assignments are kept");
            Assert.That(summary.Profiles[0].Name, Is.EqualTo("Unlimited"));
            Assert.That(summary.Profiles[0].IsDefault, Is.True);
            Assert.That(summary.Profiles[0].UserCount, Is.EqualTo(3));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles WHERE is_default;"), Is.EqualTo(1));
            Assert.That((await s.Profiles.GetEffectiveProfileAsync("brand-new"))!.Name, Is.EqualTo("Unlimited"));
            Assert.That(AuditCount(), Is.EqualTo(2), "one entry for the Pro assignment, one for the maintenance step");
        });
    }

    [Test]
    public async Task RunningItAgainChangesNothing()
    {
        var s = await StartAsync();
        await s.Checker.RecordAsync("u1", 10, 5);
        await s.Profiles.AssignProfileToUnassignedUsersAsync("Unlimited", makeDefault: true, ["u2"]);
        var snapshot = Snapshot();

        var second = await s.Profiles.AssignProfileToUnassignedUsersAsync("Unlimited", makeDefault: true, ["u2"]);

        Assert.Multiple(() =>
        {
            Assert.That(second.UsersAssigned, Is.Zero);
            Assert.That(Snapshot(), Is.EqualTo(snapshot));
        });
    }

    [Test]
    public async Task WithoutAnUnlimitedProfileItIsRefusedAndChangesNothing()
    {
        var s = await StartAsync();
        await s.Profiles.DeleteAsync(await ProfileIdAsync(s.Profiles, "Unlimited"));
        await s.Checker.RecordAsync("u1", 10, 5);
        var snapshot = Snapshot();

        var error = await Assert.ThrowsAsync<ConsumptionProfileOperationRefusedException>(() => s.Profiles.AssignProfileToUnassignedUsersAsync("Unlimited", makeDefault: true));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(ProfileRefusalReason.RequiredProfileMissing));
            Assert.That(error.Message, Does.Contain("Unlimited"));
            Assert.That(Snapshot(), Is.EqualTo(snapshot));
        });
    }

    [Test]
    public async Task AssignsAnyNamedProfileAndKeepsTheDefaultUnlessAsked()
    {
        var s = await StartAsync();
        await s.Checker.RecordAsync("with-usage", 10, 5);
        var pro = await ProfileIdAsync(s.Profiles, "Pro");
        var defaultBefore = Scalar<string>("SELECT name FROM consumption_profiles WHERE is_default;");

        var summary = await s.Profiles.AssignProfileToUnassignedUsersAsync("pro", makeDefault: false, ["host-user"], actor: "ops");

        var assignments = Rows("SELECT user_id, profile_id FROM tokenquota_assignments ORDER BY user_id;")
            .ToDictionary(r => (string)r["user_id"]!, r => (long)r["profile_id"]!);
        var audit = await s.Profiles.QueryAuditLogAsync(new QuotaAuditQuery { Action = QuotaAuditActions.UnassignedUsersAssigned });
        Assert.Multiple(() =>
        {
            Assert.That(summary.ProfileId, Is.EqualTo(pro), "the name is matched case-insensitively");
            Assert.That(summary.UsersAssigned, Is.EqualTo(2));
            Assert.That(assignments, Is.EqualTo(new Dictionary<string, long> { ["host-user"] = pro, ["with-usage"] = pro }));
            Assert.That(Scalar<string>("SELECT name FROM consumption_profiles WHERE is_default;"), Is.EqualTo(defaultBefore));
            Assert.That(audit.Items.Single().After, Does.Contain("\"made_default\":false"));
        });
    }

    [Test]
    public async Task AnInactiveProfileIsRefusedByNameAndChangesNothing()
    {
        var s = await StartAsync();
        await s.Profiles.DeactivateAsync(await ProfileIdAsync(s.Profiles, "Pro"));
        await s.Checker.RecordAsync("u1", 10, 5);
        var snapshot = Snapshot();

        var error = await Assert.ThrowsAsync<ConsumptionProfileOperationRefusedException>(
            () => s.Profiles.AssignProfileToUnassignedUsersAsync("Pro", makeDefault: true));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(ProfileRefusalReason.ProfileInactive));
            Assert.That(error.Message, Is.EqualTo("The Pro profile is inactive; activate it before running this step."));
            Assert.That(Snapshot(), Is.EqualTo(snapshot));
        });
    }
}
