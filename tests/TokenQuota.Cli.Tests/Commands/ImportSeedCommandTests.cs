using System.Text.Json;
using TokenQuota.Testing;

namespace TokenQuota.Cli.Tests;

/// <summary><c>tokenquota import-seed</c> on real files built with the original feature's own schema.</summary>
public class ImportSeedCommandTests : CliTestBase
{
    private string SeedPath => Path.Combine(Folder, "tda_auth.db");

    /// <summary>
    /// The seed with its oddities: a profile whose name differs from Pro only in case, a NULL is_default, a NULL
    /// is_active, a user pointing at a deleted profile, a user with no profile, and TIMESTAMP text.
    /// </summary>
    private SeedDatabase OddSeed() =>
        SeedDatabase.Create(SeedPath)
            .Profile(5, "pro", 300, 3000, 30, 700_000, 350_000, description: "lower-case pro")
            .Profile(6, "Team", 400, 4000, 40, 900_000, 450_000, isDefault: null)
            .Profile(7, "Legacy", 10, 100, 1, 1_000, 500, isActive: null)
            .Profile(8, "Removed", 1, 1, 1, 1, 1)
            .Execute("DELETE FROM consumption_profiles WHERE id = 8;")
            .User("u-alice", "alice", 2)
            .User("u-bob", "bob", 5)
            .User("u-carol", "carol", 8)
            .User("u-dave", "dave")
            .Usage("u-alice", "2026-12", 1_000, 500, "2026-12-01 10:00:00.000000", "2026-12-02 11:30:00.250000")
            .Usage("u-bob", "2026-11", 70, 30, "2026-11-03 09:00:00", "2026-11-29 23:59:59.999999");

    private static long Ms(int year, int month, int day, int hour, int minute, int second, int millisecond = 0) =>
        new DateTimeOffset(year, month, day, hour, minute, second, millisecond, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Test]
    public async Task ASeedInstallationWithItsOdditiesIsCarriedIntoANewDatabase()
    {
        OddSeed();

        var report = (await RunOkAsync("import-seed", "--from", SeedPath, "--json")).Json();

        var profiles = ProfileRows();
        var usage = Rows("SELECT user_id, period, input_tokens_used, output_tokens_used, total_tokens_used, first_usage_at, last_usage_at FROM user_token_usage ORDER BY user_id;");
        Assert.Multiple(() =>
        {
            Assert.That(report.GetProperty("changed").GetBoolean(), Is.True);
            Assert.That(profiles.Keys, Is.EquivalentTo(new[] { "Free", "Pro", "Enterprise", "Unlimited", "pro (5)", "Team", "Legacy" }));
            Assert.That(profiles.Values.Select(p => (long)p["id"]!), Is.EquivalentTo(new long[] { 1, 2, 3, 4, 5, 6, 7 }), "seed ids kept");
            Assert.That(profiles["pro (5)"]["prompts_per_hour"], Is.EqualTo(300L));
            Assert.That(profiles["Free"]["description"], Is.EqualTo("Free tier"));
            Assert.That(profiles["Team"]["is_default"], Is.EqualTo(0L), "NULL is_default is not the default");
            Assert.That(profiles["Legacy"]["is_active"], Is.EqualTo(1L), "NULL is_active is active (the column's default)");
            Assert.That(profiles.Values.Where(p => (long)p["is_default"]! == 1).Select(p => p["name"]), Is.EqualTo(new[] { "Free" }));
            Assert.That(Assignments(), Is.EqualTo(new Dictionary<string, long> { ["u-alice"] = 2, ["u-bob"] = 5 }));
            Assert.That(usage, Has.Count.EqualTo(2));
            Assert.That(usage[0]["user_id"], Is.EqualTo("u-alice"));
            Assert.That(usage[0]["total_tokens_used"], Is.EqualTo(1_500L));
            Assert.That(usage[0]["first_usage_at"], Is.EqualTo(Ms(2026, 12, 1, 10, 0, 0)));
            Assert.That(usage[0]["last_usage_at"], Is.EqualTo(Ms(2026, 12, 2, 11, 30, 0, 250)));
            Assert.That(usage[1]["first_usage_at"], Is.EqualTo(Ms(2026, 11, 3, 9, 0, 0)));
            Assert.That(usage[1]["last_usage_at"], Is.EqualTo(Ms(2026, 11, 29, 23, 59, 59, 999)));
            var skipped = report.GetProperty("assignments_skipped").EnumerateArray().Single();
            Assert.That(skipped.GetProperty("user_id").GetString(), Is.EqualTo("u-carol"));
            Assert.That(skipped.GetProperty("seed_profile_id").GetInt64(), Is.EqualTo(8));
            Assert.That(report.GetProperty("assignments_set").GetInt32(), Is.EqualTo(2));
            Assert.That(report.GetProperty("usage_rows_merged").GetInt32(), Is.EqualTo(2));
            var renamed = report.GetProperty("profiles").EnumerateArray().Single(p => p.GetProperty("seed_id").GetInt64() == 5);
            Assert.That(renamed.GetProperty("action").GetString(), Is.EqualTo("created"));
            Assert.That(renamed.GetProperty("note").GetString(), Does.Contain("differs only in case"));
            Assert.That(Scalar<string>("SELECT action FROM tokenquota_audit_log ORDER BY id DESC LIMIT 1;"), Is.EqualTo(QuotaAuditActions.SeedImported));
        });

        var status = (await RunOkAsync("status", "u-alice", "--json")).Json();
        Assert.That(status.GetProperty("profile_name").GetString(), Is.EqualTo("Pro"));
    }

    [Test]
    public async Task ASecondImportChangesNothingAndSaysSo()
    {
        OddSeed();
        await RunOkAsync("import-seed", "--from", SeedPath);
        var before = Snapshot();

        var text = await RunOkAsync("import-seed", "--from", SeedPath);
        var json = (await RunOkAsync("import-seed", "--from", SeedPath, "--json")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(text.Out, Does.StartWith("Nothing to import"));
            Assert.That(text.Out, Does.Contain("skipped user u-carol"));
            Assert.That(json.GetProperty("changed").GetBoolean(), Is.False);
            Assert.That(json.GetProperty("profiles").EnumerateArray().Select(p => p.GetProperty("action").GetString()), Is.All.EqualTo("unchanged"));
            Assert.That(Snapshot(), Is.EqualTo(before), "nothing changed, not even the configuration version or the audit log");
        });
    }

    [Test]
    public async Task UsageRecordedHereAfterAnImportIsKeptByARepeatedImport()
    {
        OddSeed();
        await RunOkAsync("import-seed", "--from", SeedPath);
        await RecordAsync("u-alice", 10, 5, new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero));

        var again = (await RunOkAsync("import-seed", "--from", SeedPath, "--json")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(again.GetProperty("changed").GetBoolean(), Is.False);
            Assert.That(Scalar<long>("SELECT input_tokens_used FROM user_token_usage WHERE user_id = 'u-alice' AND period = '2026-12';"), Is.EqualTo(1_010));
            Assert.That(Scalar<long>("SELECT output_tokens_used FROM user_token_usage WHERE user_id = 'u-alice' AND period = '2026-12';"), Is.EqualTo(505));
        });
    }

    [Test]
    public async Task IntoAnExistingDatabaseProfilesMatchByNameIgnoringCaseAndIdsAreKeptOnlyWhereFree()
    {
        await MigrateAsync();
        await RunOkAsync("profiles", "create", "--name", "Internal", "--prompts-per-hour", "7");
        await RunOkAsync("profiles", "create", "--name", "team");
        SeedDatabase.Create(SeedPath)
            .Profile(5, "Gold", 300, 3000, 30, 700_000, 350_000)
            .Profile(9, "TEAM", 400, 4000, 40, null, null, isDefault: true)
            .User("u-1", "one", 5)
            .User("u-2", "two", 9)
            .Execute("UPDATE consumption_profiles SET is_default = 0 WHERE id = 1;");
        var internalId = ProfileId("Internal");
        var teamId = ProfileId("team");

        var report = (await RunOkAsync("import-seed", "--from", SeedPath, "--json")).Json();

        var profiles = ProfileRows();
        var gold = report.GetProperty("profiles").EnumerateArray().Single(p => p.GetProperty("seed_id").GetInt64() == 5);
        Assert.Multiple(() =>
        {
            Assert.That(profiles.Keys, Is.EquivalentTo(new[] { "Free", "Pro", "Enterprise", "Unlimited", "Internal", "TEAM", "Gold" }));
            Assert.That(profiles["Internal"]["id"], Is.EqualTo(internalId), "a profile only here is left alone");
            Assert.That(profiles["TEAM"]["id"], Is.EqualTo(teamId), "matched ignoring case; the seed's spelling wins");
            Assert.That(profiles["TEAM"]["prompts_per_hour"], Is.EqualTo(400L));
            Assert.That(profiles["TEAM"]["is_default"], Is.EqualTo(1L), "the seed's default");
            Assert.That(profiles["Free"]["is_default"], Is.EqualTo(0L));
            Assert.That((long)profiles["Gold"]["id"]!, Is.Not.EqualTo(5L).And.Not.EqualTo(internalId));
            Assert.That(gold.GetProperty("note").GetString(), Is.EqualTo("id 5 is taken here"));
            Assert.That(Assignments(), Is.EqualTo(new Dictionary<string, long> { ["u-1"] = (long)profiles["Gold"]["id"]!, ["u-2"] = teamId }));
        });
    }

    [Test]
    public async Task ASeedWithoutAnActiveDefaultLeavesNoDefaultAsTheSeedHad()
    {
        await MigrateAsync();
        SeedDatabase.Create(SeedPath).Execute("UPDATE consumption_profiles SET is_active = 0 WHERE id = 1;");

        var result = await RunOkAsync("import-seed", "--from", SeedPath);

        Assert.Multiple(() =>
        {
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles WHERE is_default = 1;"), Is.Zero);
            Assert.That(result.Out, Does.Contain("Default profile: none").And.Contain("previous default was cleared"));
        });
    }

    [Test]
    public async Task ADryRunReportsWhatTheImportWouldDoAndWritesNothing()
    {
        OddSeed();
        var newDatabase = Path.Combine(Folder, "new.db");

        var intoNewFile = (await RunOkAsync("import-seed", "--from", SeedPath, "--dry-run", "--json", "--db", newDatabase)).Json();
        await MigrateAsync();
        var before = Snapshot();
        var dryRun = (await RunOkAsync("import-seed", "--from", SeedPath, "--dry-run", "--json")).Json();
        var after = Snapshot();
        var real = (await RunOkAsync("import-seed", "--from", SeedPath, "--json")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(newDatabase), Is.False, "a dry run into a new file creates none");
            Assert.That(intoNewFile.GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(intoNewFile.GetProperty("changed").GetBoolean(), Is.True);
            Assert.That(after, Is.EqualTo(before), "a dry run writes nothing");
            Assert.That(dryRun.GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(Without(dryRun, "dry_run"), Is.EqualTo(Without(real, "dry_run")), "the dry run reports exactly what the import then does");
        });
    }

    [Test]
    public async Task AFileThatIsNotSqliteIsRefusedAndNoDatabaseIsCreated()
    {
        var notSqlite = WriteFile("tda_auth.db", "this is not a database, just text long enough to have a header of sorts.....................");

        var result = await RunAsync("import-seed", "--from", notSqlite);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString);
            Assert.That(result.Err, Does.Contain("is not a SQLite database"));
            Assert.That(File.Exists(DbPath), Is.False);
        });
    }

    [Test]
    public async Task FilesWithoutTheSeedTablesOrTheUsersColumnAreRefusedAndNothingIsWritten()
    {
        await MigrateAsync();
        var noSeedTables = Path.Combine(Folder, "other.db");
        SeedDatabase.CreateEmpty(noSeedTables).Execute("DROP TABLE consumption_profiles;");
        var noColumn = Path.Combine(Folder, "nocolumn.db");
        SeedDatabase.Create(noColumn).Execute("DROP INDEX idx_users_consumption_profile_id; ALTER TABLE users DROP COLUMN consumption_profile_id;");

        await AssertRefusedUnchangedAsync(1, "has no consumption_profiles table", "import-seed", "--from", noSeedTables);
        await AssertRefusedUnchangedAsync(1, "has no consumption_profile_id column", "import-seed", "--from", noColumn);
        await AssertRefusedUnchangedAsync(1, "has no table 'accounts'", "import-seed", "--from", noColumn, "--users-table", "accounts");
        await AssertRefusedUnchangedAsync(1, "is not a table name", "import-seed", "--from", noColumn, "--users-table", "users; DROP TABLE x");
        await AssertRefusedUnchangedAsync(1, "is a TokenQuota database", "import-seed", "--from", DbPath, "--db", Path.Combine(Folder, "x.db"));
        await AssertRefusedUnchangedAsync(1, "does not exist", "import-seed", "--from", Path.Combine(Folder, "missing.db"));
    }

    [Test]
    public async Task RowsBreakingTheRulesAreAllNamedAndNothingIsWritten()
    {
        await MigrateAsync();
        SeedDatabase.Create(SeedPath)
            .Profile(5, "Negative", -1, 100, 1, -5, null)
            .Profile(6, "  ", 1, 1, 1, null, null)
            .Usage("u-1", "2026-13", 1, 1, "2026-12-01 10:00:00", "2026-12-01 10:00:00")
            .Usage("u-2", "2026-12", -3, 1, "not a time", "2026-12-01 10:00:00");

        var result = await AssertRefusedUnchangedAsync(1, "nothing was written", "import-seed", "--from", SeedPath);

        Assert.Multiple(() =>
        {
            Assert.That(result.Err, Does.Contain("consumption_profiles row id 5: prompts_per_hour"));
            Assert.That(result.Err, Does.Contain("consumption_profiles row id 5: input_tokens_per_month"));
            Assert.That(result.Err, Does.Contain("consumption_profiles row id 6: name"));
            Assert.That(result.Err, Does.Contain("user_token_usage row id 1: period: '2026-13'"));
            Assert.That(result.Err, Does.Contain("user_token_usage row id 2: input_tokens_used: -3 is negative"));
            Assert.That(result.Err, Does.Contain("user_token_usage row id 2: first_usage_at: 'not a time' is not a timestamp"));
        });
    }

    [Test]
    public async Task AStoreRefusingTheSeedFilePointsAtTheCommandThatImportsIt()
    {
        SeedDatabase.Create(SeedPath);

        var result = await RunAsync("profiles", "list", "--db", SeedPath);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString);
            Assert.That(result.Err, Does.Contain($"tokenquota import-seed --from {SeedPath} --db <the new database>"));
        });
    }

    private static string Without(JsonElement element, string property) =>
        JsonSerializer.Serialize(element.EnumerateObject().Where(p => p.Name != property).ToDictionary(p => p.Name, p => p.Value));
}
