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

        var summary = await s.Profiles.AssignUnlimitedToExistingUsersAsync(["host-user", "on-pro"], actor: "ops");
        var unlimited = await ProfileIdAsync(s.Profiles, "Unlimited");

        var assignments = Rows("SELECT user_id, profile_id FROM tokenquota_assignments ORDER BY user_id;")
            .ToDictionary(r => (string)r["user_id"]!, r => (long)r["profile_id"]!);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(summary.UsersAssigned, Is.EqualTo(3));
            Assert.That(summary.UnlimitedProfileId, Is.EqualTo(unlimited));
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
        await s.Profiles.AssignUnlimitedToExistingUsersAsync(["u2"]);
        var snapshot = Snapshot();

        var second = await s.Profiles.AssignUnlimitedToExistingUsersAsync(["u2"]);

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

        var error = await Assert.ThrowsAsync<ConsumptionProfileOperationRefusedException>(() => s.Profiles.AssignUnlimitedToExistingUsersAsync());

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(ProfileRefusalReason.RequiredProfileMissing));
            Assert.That(error.Message, Does.Contain("Unlimited"));
            Assert.That(Snapshot(), Is.EqualTo(snapshot));
        });
    }
}
