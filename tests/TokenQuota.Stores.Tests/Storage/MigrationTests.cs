using Microsoft.Extensions.DependencyInjection;
using TokenQuota.Storage;

namespace TokenQuota.Stores.Tests;

/// <summary>DESIGN §3 "Schema": embedded, numbered, idempotent migrations that seed the four profiles once.</summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class MigrationTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    [Test]
    public async Task FreshDatabaseGetsExactlyTheFourSeedProfilesWithFreeAsTheOnlyDefault()
    {
        await StartAsync();

        var rows = Rows("""
            SELECT name, prompts_per_hour, prompts_per_day, config_changes_per_hour, input_tokens_per_month,
                   output_tokens_per_month, is_default, is_active
            FROM consumption_profiles ORDER BY id;
            """);

        Assert.That(rows, Has.Count.EqualTo(4));
        Assert.Multiple(() =>
        {
            AssertSeedRow(rows[0], "Free", 50, 500, 5, 100_000L, 50_000L, isDefault: true);
            AssertSeedRow(rows[1], "Pro", 200, 2000, 20, 500_000L, 250_000L, isDefault: false);
            AssertSeedRow(rows[2], "Enterprise", 500, 5000, 50, 2_000_000L, 1_000_000L, isDefault: false);
            AssertSeedRow(rows[3], "Unlimited", 1000, 10000, 100, null, null, isDefault: false);
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles WHERE is_default;"), Is.EqualTo(1));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles WHERE is_active;"), Is.EqualTo(4));
        });
    }

    [Test]
    public async Task FreshDatabaseRecordsEveryMigrationOnceAtTheLatestVersion()
    {
        await StartAsync();

        Assert.Multiple(() =>
        {
            Assert.That(Scalar<long>("SELECT MAX(version) FROM tokenquota_schema_version;"), Is.EqualTo(Backend.LatestSchemaVersion));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_schema_version;"), Is.EqualTo(Backend.LatestSchemaVersion));
            Assert.That(Scalar<long>("SELECT COUNT(DISTINCT version) FROM tokenquota_schema_version;"), Is.EqualTo(Backend.LatestSchemaVersion));
            Assert.That(Scalar<long>("SELECT applied_at FROM tokenquota_schema_version WHERE version = 1;"), Is.EqualTo(Start.ToUnixTimeMilliseconds()));
        });
    }

    [Test]
    public async Task RerunningMigrateAsyncIsIdempotent()
    {
        var services = await StartAsync();
        var before = Snapshot();

        await services.Store.MigrateAsync();
        await services.Store.MigrateAsync();
        await using (var second = BuildServices())
        {
            await second.GetRequiredService<IQuotaStore>().MigrateAsync();
        }

        Assert.Multiple(() =>
        {
            Assert.That(Snapshot(), Is.EqualTo(before), "re-running the migrations changed the database");
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles;"), Is.EqualTo(4));
            Assert.That(Scalar<long>("SELECT MAX(version) FROM tokenquota_schema_version;"), Is.EqualTo(Backend.LatestSchemaVersion));
        });
    }

    [Test]
    public async Task FirstUseMigratesAutomatically()
    {
        await using var provider = BuildServices();

        var status = await provider.GetRequiredService<ITokenQuotaChecker>().GetStatusAsync("first-user");

        Assert.Multiple(() =>
        {
            Assert.That(status.ProfileName, Is.EqualTo("Free"));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles;"), Is.EqualTo(4));
        });
    }

    [Test]
    public async Task WithoutAutoMigrateNothingIsCreatedUntilMigrateAsyncIsCalled()
    {
        var provider = BuildServices(autoMigrate: false);
        var checker = provider.GetRequiredService<ITokenQuotaChecker>();

        var error = await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await checker.CheckAsync("user-1", 1, 1));
        Assert.That(error!.Message, Does.Contain(Backend.MissingTableMessage));

        await provider.GetRequiredService<IQuotaStore>().MigrateAsync();
        var result = await checker.CheckAsync("user-1", 1, 1);

        Assert.Multiple(() =>
        {
            Assert.That(result.ProfileName, Is.EqualTo("Free"));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles;"), Is.EqualTo(4));
        });
    }

    [Test]
    public async Task AProfileAnAdminDeletedDoesNotComeBackWhenANewStoreStarts()
    {
        var services = await StartAsync();
        var proId = await ProfileIdAsync(services.Profiles, "Pro");
        await services.Profiles.DeleteAsync(proId, actor: "admin");
        await services.Provider.DisposeAsync();

        var restarted = await StartAsync();
        var names = (await restarted.Profiles.ListAsync()).Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(names, Is.EqualTo(new[] { "Enterprise", "Free", "Unlimited" }));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles WHERE name = 'Pro';"), Is.Zero);
        });
    }

    [Test]
    public async Task ADatabaseMigratedByANewerVersionIsRefusedNamingTheVersion()
    {
        await StartAsync();
        var newer = Backend.LatestSchemaVersion + 7;
        Execute($"INSERT INTO tokenquota_schema_version (version, description, applied_at) VALUES ({newer}, 'from the future', 0);");
        Backend.ReleaseConnections();
        var before = Snapshot();

        await using var provider = BuildServices();
        var direct = await Assert.ThrowsAsync<TokenQuotaStoreException>(() => provider.GetRequiredService<IQuotaStore>().MigrateAsync());
        var viaChecker = await Assert.ThrowsAsync<TokenQuotaStoreException>(
            async () => await provider.GetRequiredService<ITokenQuotaChecker>().CheckAsync("user-1", 1, 1));

        Assert.Multiple(() =>
        {
            Assert.That(direct!.Message, Does.Match($@"version {newer}\b"), "names the version it found");
            Assert.That(direct.Message, Does.Contain(Backend.LatestSchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(viaChecker!.Message, Does.Match($@"version {newer}\b"), "names the version it found");
            Assert.That(Snapshot(), Is.EqualTo(before), "a refused migration must change nothing");
        });
    }

    [Test]
    public async Task ADatabaseFromBeforeTheWeekStartKeepsItsCalendarsAndTheirWeeksStartOnMonday()
    {
        // A database as the migration before week_start left it: a profile with a calendar and a limit of its own.
        var weekStartVersion = Backend is SqliteBackend ? 8 : 7;
        var services = await StartAsync();
        var id = (await services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Metered", TimeZone = "Asia/Kolkata", AnchorDay = 15, Limits = [QuotaLimit.Parse("prompts/week=5")] })).Id;
        Backend.ReleaseConnections();
        Execute($"ALTER TABLE tokenquota_profile_limits DROP COLUMN week_start; {DropTeams} DELETE FROM tokenquota_schema_version WHERE version >= {weekStartVersion};");
        Backend.ReleaseConnections();

        await using var provider = BuildServices();
        var read = await provider.GetRequiredService<IConsumptionProfileManager>().GetAsync(id);

        Assert.Multiple(() =>
        {
            Assert.That(Scalar<long>("SELECT MAX(version) FROM tokenquota_schema_version;"), Is.EqualTo(Backend.LatestSchemaVersion));
            Assert.That((read.TimeZone, read.AnchorDay, read.Limits.Single().ToString()), Is.EqualTo(("Asia/Kolkata", 15, "prompts/week=5")), "the row keeps its calendar and limits");
            Assert.That(read.WeekStart, Is.EqualTo(DayOfWeek.Monday), "the day its weeks started on before");
            Assert.That(Scalar<long>("SELECT week_start FROM tokenquota_profile_limits WHERE profile_id = @id;", ("@id", id)), Is.EqualTo(1));
            Assert.That(() => Execute("UPDATE tokenquota_profile_limits SET week_start = 7;"), Throws.Exception.With.Message.Contains("check").IgnoreCase, "a number that is no day is refused by the table too");
        });
    }

    // Undoes the migrations after week_start (teams), so that a test can rebuild a database from before it.
    private const string DropTeams = "DROP TABLE tokenquota_subject_holds; DROP TABLE tokenquota_team_members; DROP TABLE tokenquota_teams; DROP TABLE tokenquota_organisations;";

    private static void AssertSeedRow(
        Dictionary<string, object?> row, string name, long perHour, long perDay, long configPerHour, long? input, long? output, bool isDefault)
    {
        Assert.That(row["name"], Is.EqualTo(name));
        Assert.That(row["prompts_per_hour"], Is.EqualTo(perHour), name);
        Assert.That(row["prompts_per_day"], Is.EqualTo(perDay), name);
        Assert.That(row["config_changes_per_hour"], Is.EqualTo(configPerHour), name);
        Assert.That(row["input_tokens_per_month"], Is.EqualTo(input), name);
        Assert.That(row["output_tokens_per_month"], Is.EqualTo(output), name);
        Assert.That(row["is_default"], Is.EqualTo(isDefault ? 1L : 0L), name);
        Assert.That(row["is_active"], Is.EqualTo(1L), name);
    }
}
