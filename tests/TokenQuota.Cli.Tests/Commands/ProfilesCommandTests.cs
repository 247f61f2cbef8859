namespace TokenQuota.Cli.Tests;

public class ProfilesCommandTests : CliTestBase
{
    [SetUp]
    public Task Migrate() => MigrateAsync();

    [Test]
    public async Task ListPrintsATableWithTheDefaultFirst()
    {
        var lines = (await RunOkAsync("profiles", "list")).Out.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Does.StartWith("ID").And.Contain("NAME").And.Contain("INPUT TOKENS/MONTH").And.Contain("USERS"));
            Assert.That(lines, Has.Length.EqualTo(6));
            Assert.That(Cells(lines[2]), Is.EqualTo(new[] { "1", "Free", "yes", "yes", "50", "500", "5", "100,000", "50,000", "0" }));
            Assert.That(Cells(lines.Single(l => l.Contains("Unlimited", StringComparison.Ordinal))), Is.EqualTo(new[] { "4", "Unlimited", "yes", "1,000", "10,000", "100", "Unlimited", "Unlimited", "0" }));
        });
    }

    [Test]
    public async Task ListAsJsonHasTheSeedShape()
    {
        var json = (await RunOkAsync("profiles", "list", "--json")).Json();

        var first = json[0];
        Assert.Multiple(() =>
        {
            Assert.That(json.GetArrayLength(), Is.EqualTo(4));
            Assert.That(first.GetProperty("name").GetString(), Is.EqualTo("Free"));
            Assert.That(first.GetProperty("is_default").GetBoolean(), Is.True);
            Assert.That(first.GetProperty("input_tokens_per_month").GetInt64(), Is.EqualTo(100_000));
            Assert.That(first.GetProperty("prompts_per_day").GetInt32(), Is.EqualTo(500));
            Assert.That(first.GetProperty("user_count").GetInt64(), Is.Zero);
            Assert.That(json.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Unlimited").GetProperty("output_tokens_per_month").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
        });
    }

    [Test]
    public async Task ShowFindsAProfileByIdOrByNameIgnoringCase()
    {
        await RunOkAsync("assign", "alice", "Pro");
        var byName = (await RunOkAsync("profiles", "show", "pRO", "--json")).Json();
        var byId = (await RunOkAsync("profiles", "show", ProfileId("Pro").ToString(System.Globalization.CultureInfo.InvariantCulture))).Out;

        Assert.Multiple(() =>
        {
            Assert.That(byName.GetProperty("id").GetInt64(), Is.EqualTo(ProfileId("Pro")));
            Assert.That(byName.GetProperty("user_count").GetInt64(), Is.EqualTo(1));
            Assert.That(byId, Does.Contain("Profile 'Pro'").And.Contain("500,000").And.Contain("Users:").And.Contain("alice"));
        });
    }

    [Test]
    public async Task ShowUnknownNameIsAUsageErrorNamingIt()
    {
        var result = await RunAsync("profiles", "show", "Platinum");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.Err, Does.Contain("Unknown profile 'Platinum'"));
        });
    }

    [Test]
    public async Task ShowUnknownIdIsRefusedAsNotFound()
    {
        var result = await RunAsync("profiles", "show", "999");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Err, Does.Contain("999").And.Contain("not found"));
        });
    }

    [Test]
    public async Task CreateWithEveryOptionStoresEveryField()
    {
        var json = (await RunOkAsync(
            "profiles", "create", "--name", "Team", "--description", "Team plan", "--prompts-per-hour", "30", "--prompts-per-day", "300",
            "--config-changes-per-hour", "3", "--input-tokens-per-month", "5000", "--output-tokens-per-month", "unlimited", "--default", "--json")).Json();

        var row = ProfileRows()["Team"];
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("name").GetString(), Is.EqualTo("Team"));
            Assert.That(json.GetProperty("is_default").GetBoolean(), Is.True);
            Assert.That(row["description"], Is.EqualTo("Team plan"));
            Assert.That(row["prompts_per_hour"], Is.EqualTo(30L));
            Assert.That(row["prompts_per_day"], Is.EqualTo(300L));
            Assert.That(row["config_changes_per_hour"], Is.EqualTo(3L));
            Assert.That(row["input_tokens_per_month"], Is.EqualTo(5000L));
            Assert.That(row["output_tokens_per_month"], Is.Null);
            Assert.That(row["is_default"], Is.EqualTo(1L));
            Assert.That(ProfileRows()["Free"]["is_default"], Is.EqualTo(0L), "the previous default is unset");
            Assert.That(Scalar<string>("SELECT actor FROM tokenquota_audit_log WHERE action = 'profile.create';"), Is.EqualTo(Actor));
        });
    }

    [Test]
    public async Task CreateWithoutOptionsTakesTheSeedDefaultsAndCanBeInactive()
    {
        var text = (await RunOkAsync("profiles", "create", "--name", "Basic", "--inactive")).Out;

        var row = ProfileRows()["Basic"];
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.StartWith("Created profile 'Basic'"));
            Assert.That(row["prompts_per_hour"], Is.EqualTo(100L));
            Assert.That(row["prompts_per_day"], Is.EqualTo(1000L));
            Assert.That(row["config_changes_per_hour"], Is.EqualTo(10L));
            Assert.That(row["input_tokens_per_month"], Is.Null);
            Assert.That(row["is_active"], Is.EqualTo(0L));
        });
    }

    [Test]
    public async Task CreateInvalidFieldIsRefusedNamingTheOption()
    {
        var result = await AssertRefusedUnchangedAsync(2, "--prompts-per-hour", "profiles", "create", "--name", "Team", "--prompts-per-hour", "-5");

        Assert.That(result.Err, Does.Contain("-5"));
    }

    [Test]
    public async Task CreateDuplicateNameIsAConflict()
    {
        await AssertRefusedUnchangedAsync(2, "\"pro\" already exists", "profiles", "create", "--name", "pro");
    }

    [Test]
    public async Task CreateWithoutNameIsAUsageError()
    {
        await AssertRefusedUnchangedAsync(1, "--name", "profiles", "create", "--prompts-per-hour", "5");
    }

    [Test]
    public async Task CreateWithAMalformedTokenLimitIsAUsageError()
    {
        await AssertRefusedUnchangedAsync(1, "'lots' is not a token limit for --input-tokens-per-month", "profiles", "create", "--name", "Team", "--input-tokens-per-month", "lots");
    }

    [Test]
    public async Task UpdateChangesOnlyTheGivenFields()
    {
        var before = ProfileRows()["Pro"];

        var json = (await RunOkAsync("profiles", "update", "pro", "--prompts-per-hour", "250", "--input-tokens-per-month", "unlimited", "--json")).Json();

        var after = ProfileRows()["Pro"];
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("prompts_per_hour").GetInt32(), Is.EqualTo(250));
            Assert.That(after["prompts_per_hour"], Is.EqualTo(250L));
            Assert.That(after["input_tokens_per_month"], Is.Null);
            foreach (var column in new[] { "name", "description", "prompts_per_day", "config_changes_per_hour", "output_tokens_per_month", "is_default", "is_active", "created_at" })
            {
                Assert.That(after[column], Is.EqualTo(before[column]), column);
            }
        });
    }

    [Test]
    public async Task UpdateCanRenameClearTheDescriptionAndSetALimitBack()
    {
        await RunOkAsync("profiles", "update", "Unlimited", "--output-tokens-per-month", "1000");
        await RunOkAsync("profiles", "update", "Pro", "--name", "Professional", "--description", "");

        var rows = ProfileRows();
        Assert.Multiple(() =>
        {
            Assert.That(rows["Unlimited"]["output_tokens_per_month"], Is.EqualTo(1000L));
            Assert.That(rows["Unlimited"]["input_tokens_per_month"], Is.Null);
            Assert.That(rows.ContainsKey("Pro"), Is.False);
            Assert.That(rows["Professional"]["description"], Is.Null);
        });
    }

    [Test]
    public async Task UpdateWithNothingToChangeIsAUsageError()
    {
        await AssertRefusedUnchangedAsync(1, "Nothing to update", "profiles", "update", "Pro");
    }

    [Test]
    public async Task UpdateToATakenNameIsAConflict()
    {
        await AssertRefusedUnchangedAsync(2, "already exists", "profiles", "update", "Pro", "--name", "FREE");
    }

    [Test]
    public async Task DeleteRemovesAnUnusedProfile()
    {
        var json = (await RunOkAsync("profiles", "delete", "enterprise", "--json")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("deleted_profile_name").GetString(), Is.EqualTo("Enterprise"));
            Assert.That(ProfileRows().ContainsKey("Enterprise"), Is.False);
        });
    }

    [Test]
    public async Task DeleteAProfileInUseIsRefusedUnlessUsersAreReassigned()
    {
        await RunOkAsync("assign", "alice", "Pro");
        await RunOkAsync("assign", "bob", "Pro");

        await AssertRefusedUnchangedAsync(2, "2 user(s) are assigned", "profiles", "delete", "Pro");
        var text = (await RunOkAsync("profiles", "delete", "Pro", "--reassign-to", "Enterprise")).Out;

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("moved its 2 users to 'Enterprise'"));
            Assert.That(Assignments(), Is.EqualTo(new Dictionary<string, long> { ["alice"] = ProfileId("Enterprise"), ["bob"] = ProfileId("Enterprise") }));
        });
    }

    [Test]
    public async Task DeleteWithAnUnknownReassignTargetIsAUsageError()
    {
        await RunOkAsync("assign", "alice", "Pro");

        await AssertRefusedUnchangedAsync(1, "Unknown profile 'Gold'", "profiles", "delete", "Pro", "--reassign-to", "Gold");
    }

    [Test]
    public async Task DeleteOrDeactivateTheDefaultIsRefused()
    {
        await AssertRefusedUnchangedAsync(2, "Cannot delete the default profile", "profiles", "delete", "Free");
        await AssertRefusedUnchangedAsync(2, "Cannot deactivate the default profile", "profiles", "deactivate", "Free");
    }

    [Test]
    public async Task SetDefaultActivateAndDeactivateChangeTheFlags()
    {
        var setDefault = (await RunOkAsync("profiles", "set-default", "Pro")).Out;
        await RunOkAsync("profiles", "deactivate", "Free");
        var deactivated = ProfileRows()["Free"]["is_active"];
        var activated = (await RunOkAsync("profiles", "activate", "free", "--json")).Json();

        var rows = ProfileRows();
        Assert.Multiple(() =>
        {
            Assert.That(setDefault, Does.Contain("'Pro'").And.Contain("is now the default"));
            Assert.That(rows["Pro"]["is_default"], Is.EqualTo(1L));
            Assert.That(rows["Free"]["is_default"], Is.EqualTo(0L));
            Assert.That(deactivated, Is.EqualTo(0L));
            Assert.That(activated.GetProperty("is_active").GetBoolean(), Is.True);
            Assert.That(rows["Free"]["is_active"], Is.EqualTo(1L));
        });
    }

    [Test]
    public async Task SetDefaultOnAnInactiveProfileIsRefused()
    {
        await RunOkAsync("profiles", "deactivate", "Pro");

        await AssertRefusedUnchangedAsync(2, "inactive", "profiles", "set-default", "Pro");
    }

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
