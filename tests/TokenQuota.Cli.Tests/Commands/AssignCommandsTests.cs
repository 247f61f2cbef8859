namespace TokenQuota.Cli.Tests;

public class AssignCommandsTests : CliTestBase
{
    [SetUp]
    public Task Migrate() => MigrateAsync();

    [Test]
    public async Task AssignByNameThenNoneReturnsTheUserToTheDefault()
    {
        var assigned = await RunOkAsync("assign", "alice", "enterprise");
        var afterAssign = Assignments();
        var json = (await RunOkAsync("assign", "alice", "none", "--json")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(assigned.Out, Does.Contain("Assigned user 'alice' to profile 'Enterprise'"));
            Assert.That(afterAssign, Is.EqualTo(new Dictionary<string, long> { ["alice"] = ProfileId("Enterprise") }));
            Assert.That(json.GetProperty("user_id").GetString(), Is.EqualTo("alice"));
            Assert.That(json.GetProperty("profile_id").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
            Assert.That(Assignments(), Is.Empty);
            Assert.That(Rows("SELECT actor, action, target FROM tokenquota_audit_log ORDER BY id;").Select(r => $"{r["actor"]} {r["action"]} {r["target"]}"),
                Is.EqualTo(new[] { $"{Actor} user.assign user:alice", $"{Actor} user.unassign user:alice" }));
        });
    }

    [Test]
    public async Task AssignByIdWorks()
    {
        await RunOkAsync("assign", "bob", ProfileId("Pro").ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.That(Assignments()["bob"], Is.EqualTo(ProfileId("Pro")));
    }

    [Test]
    public async Task AssignToAnUnknownProfileNameIsAUsageError()
    {
        await AssertRefusedUnchangedAsync(1, "Unknown profile 'Gold'", "assign", "alice", "Gold");
    }

    [Test]
    public async Task AssignToAnUnknownProfileIdIsRefused()
    {
        await AssertRefusedUnchangedAsync(2, "Consumption profile 77 not found", "assign", "alice", "77");
    }

    [Test]
    public async Task AssignToAnInactiveProfileIsRefused()
    {
        await RunOkAsync("profiles", "deactivate", "Pro");

        await AssertRefusedUnchangedAsync(2, "is inactive and cannot be assigned", "assign", "alice", "Pro");
    }

    [Test]
    public async Task AssignAnOverlongUserIdIsAUsageErrorNamingIt()
    {
        var id = new string('u', 129);

        await AssertRefusedUnchangedAsync(1, $"Invalid user id '{id}': The user id is 129 characters long", "assign", id, "Pro");
    }

    [Test]
    public async Task AssignManyAssignsEveryIdOfTheFileIgnoringBlankLines()
    {
        var file = WriteFile("ids.txt", "alice\r\n\r\n  bob  \n\ncarol\n");

        var text = (await RunOkAsync("assign-many", "--file", file, "Pro")).Out;
        var json = (await RunOkAsync("assign-many", "--file", file, "none", "--json")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("Assigned 3 users to profile 'Pro'"));
            Assert.That(json.GetProperty("users_assigned").GetInt32(), Is.EqualTo(3));
            Assert.That(Assignments(), Is.Empty);
            Assert.That(Scalar<string>("SELECT after_json FROM tokenquota_audit_log WHERE action = 'user.bulk_assign' ORDER BY id LIMIT 1;"),
                Does.Contain("\"alice\"").And.Contain("\"bob\"").And.Contain("\"carol\""));
        });
    }

    [Test]
    public async Task AssignManyWritesTheAssignmentsSeenByRawSql()
    {
        await RunOkAsync("assign-many", "--file", WriteFile("ids.txt", "u1\nu2\n"), "Enterprise");

        Assert.That(Assignments(), Is.EqualTo(new Dictionary<string, long> { ["u1"] = ProfileId("Enterprise"), ["u2"] = ProfileId("Enterprise") }));
    }

    [Test]
    public async Task AssignManyRefusesAnEmptyFile()
    {
        var file = WriteFile("empty.txt", "\n   \n\n");

        await AssertRefusedUnchangedAsync(1, $"'{file}' holds no user ids", "assign-many", "--file", file, "Pro");
    }

    [Test]
    public async Task AssignManyRefusesDuplicateIdsNamingTheValueAndLine()
    {
        var file = WriteFile("dupes.txt", "alice\nbob\n\nalice\n");

        await AssertRefusedUnchangedAsync(1, $"{file}:4: duplicate user id 'alice' (first on line 1)", "assign-many", "--file", file, "Pro");
    }

    [Test]
    public async Task AssignManyRefusesAnOverlongIdNamingTheValueAndLine()
    {
        var id = new string('x', 129);
        var file = WriteFile("long.txt", $"alice\n{id}\n");

        await AssertRefusedUnchangedAsync(1, $"{file}:2: invalid user id '{id}': The user id is 129 characters long", "assign-many", "--file", file, "Pro");
    }

    [Test]
    public async Task AssignManyAcceptsAnIdOfExactly128Characters()
    {
        var id = new string('x', 128);

        await RunOkAsync("assign-many", "--file", WriteFile("max.txt", id), "Pro");

        Assert.That(Assignments().Keys, Is.EqualTo(new[] { id }));
    }

    [Test]
    public async Task AssignManyRefusesAMissingFile()
    {
        await AssertRefusedUnchangedAsync(1, "Cannot read the --file file", "assign-many", "--file", Path.Combine(Folder, "missing.txt"), "Pro");
    }

    [Test]
    public async Task AssignManyWithoutFileIsAUsageError()
    {
        await AssertRefusedUnchangedAsync(1, "--file", "assign-many", "Pro");
    }

    [Test]
    public async Task AssignManyToAnUnknownProfileChangesNothing()
    {
        await AssertRefusedUnchangedAsync(1, "Unknown profile 'Gold'", "assign-many", "--file", WriteFile("ids.txt", "alice\n"), "Gold");
    }
}
