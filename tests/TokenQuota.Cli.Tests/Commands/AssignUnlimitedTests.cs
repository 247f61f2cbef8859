namespace TokenQuota.Cli.Tests;

/// <summary>The seed's installation steps, run with the CLI: migrate, assign Unlimited to existing users, verify with SQL.</summary>
public class AssignUnlimitedTests : CliTestBase
{
    [Test]
    public async Task SeedWorkflowMigrateAssignUnlimitedThenVerifyWithSql()
    {
        await MigrateAsync();
        await RecordAsync("existing-1", 10, 5);
        await RecordAsync("existing-2", 20, 5);
        await RunOkAsync("assign", "pro-user", "Pro");
        var usersFile = WriteFile("users.txt", "host-user\nexisting-1\npro-user\n");

        var text = (await RunOkAsync("assign-unlimited", "--users-file", usersFile)).Out;

        var profiles = ProfileRows();
        var unlimited = ProfileId("Unlimited");
        Assert.Multiple(() =>
        {
            Assert.That(profiles["Unlimited"]["is_default"], Is.EqualTo(1L));
            Assert.That(profiles.Where(p => p.Key != "Unlimited").Select(p => p.Value["is_default"]), Is.All.EqualTo(0L));
            Assert.That(Assignments(), Is.EqualTo(new Dictionary<string, long>
            {
                ["existing-1"] = unlimited,
                ["existing-2"] = unlimited,
                ["host-user"] = unlimited,
                ["pro-user"] = ProfileId("Pro"),
            }), "users with an assignment are untouched");
            Assert.That(text, Does.Contain("to 3 users without an assignment; Unlimited is the default profile"));
            Assert.That(Cells(text, "Unlimited (default)"), Is.EqualTo(new[] { "Unlimited", "(default)", "3", "1,000", "10,000", "Unlimited", "Unlimited" }));
            Assert.That(Cells(text, "Pro "), Is.EqualTo(new[] { "Pro", "1", "200", "2,000", "500,000", "250,000" }));
            Assert.That(Cells(text, "Free "), Is.EqualTo(new[] { "Free", "0", "50", "500", "100,000", "50,000" }));
            Assert.That(Scalar<string>("SELECT actor FROM tokenquota_audit_log WHERE action = 'maintenance.assign_unlimited';"), Is.EqualTo(Actor));
        });
    }

    [Test]
    public async Task AssignUnlimitedIsIdempotentAndWritesJson()
    {
        await MigrateAsync();
        await RecordAsync("existing-1", 10, 5);
        var first = (await RunOkAsync("assign-unlimited", "--json")).Json();
        var snapshot = Snapshot();
        snapshot.Remove("tokenquota_state"); // every admin call bumps config_version, even a no-op one

        var second = (await RunOkAsync("assign-unlimited", "--json")).Json();
        var after = Snapshot();
        after.Remove("tokenquota_state");

        Assert.Multiple(() =>
        {
            Assert.That(first.GetProperty("users_assigned").GetInt32(), Is.EqualTo(1));
            Assert.That(first.GetProperty("unlimited_profile_id").GetInt64(), Is.EqualTo(ProfileId("Unlimited")));
            Assert.That(second.GetProperty("users_assigned").GetInt32(), Is.Zero);
            Assert.That(second.GetProperty("profiles")[0].GetProperty("name").GetString(), Is.EqualTo("Unlimited"));
            Assert.That(second.GetProperty("profiles")[0].GetProperty("user_count").GetInt64(), Is.EqualTo(1));
            Assert.That(after, Is.EqualTo(snapshot), "a second run changes no profile, assignment or audit row");
        });
    }

    [Test]
    public async Task AssignUnlimitedWithoutAnUnlimitedProfileIsRefused()
    {
        await MigrateAsync();
        await RunOkAsync("profiles", "update", "Unlimited", "--name", "Everything");

        await AssertRefusedUnchangedAsync(2, "No profile named \"Unlimited\" exists", "assign-unlimited");
    }

    [Test]
    public async Task AssignUnlimitedRefusesABadUsersFile()
    {
        await MigrateAsync();
        var file = WriteFile("users.txt", "a\nb\na\n");

        await AssertRefusedUnchangedAsync(1, $"{file}:3: duplicate user id 'a'", "assign-unlimited", "--users-file", file);
    }

    private static string[] Cells(string text, string rowStart) =>
        text.Split(Environment.NewLine).Single(l => l.StartsWith(rowStart, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
