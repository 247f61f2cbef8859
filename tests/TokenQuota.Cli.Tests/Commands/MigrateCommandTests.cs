namespace TokenQuota.Cli.Tests;

public class MigrateCommandTests : CliTestBase
{
    [Test]
    public async Task MigrateCreatesTheDatabaseWithTheFourSeedProfiles()
    {
        var result = await MigrateAsync();

        var profiles = ProfileRows();
        var latest = Scalar<long>("SELECT MAX(version) FROM tokenquota_schema_version;");
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(DbPath), Is.True);
            Assert.That(latest, Is.GreaterThanOrEqualTo(1));
            Assert.That(result.Out, Does.Contain($"from schema version 0 to {latest}."));
            Assert.That(profiles.Keys, Is.EquivalentTo(new[] { "Free", "Pro", "Enterprise", "Unlimited" }));
            Assert.That(profiles["Free"]["is_default"], Is.EqualTo(1L));
            Assert.That(profiles["Unlimited"]["input_tokens_per_month"], Is.Null);
            Assert.That(profiles["Pro"]["prompts_per_hour"], Is.EqualTo(200L));
        });
    }

    [Test]
    public async Task MigrateIsIdempotentAndReportsTheSchemaVersionAsJson()
    {
        await MigrateAsync();
        await RunOkAsync("profiles", "delete", "Enterprise");

        var json = (await RunOkAsync("migrate", "--json", "--provider", "sqlite")).Json();

        var latest = Scalar<long>("SELECT MAX(version) FROM tokenquota_schema_version;");
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("schema_version_before").GetInt64(), Is.EqualTo(latest));
            Assert.That(json.GetProperty("schema_version").GetInt64(), Is.EqualTo(latest));
            Assert.That(json.GetProperty("provider").GetString(), Is.EqualTo("sqlite"));
            Assert.That(json.GetProperty("profile_count").GetInt32(), Is.EqualTo(3), "a deleted seed profile never comes back");
            Assert.That(json.GetProperty("default_profile").GetString(), Is.EqualTo("Free"));
            Assert.That(ProfileRows().Keys, Does.Not.Contain("Enterprise"));
        });
    }

    [Test]
    public async Task PostgresProviderWithoutAConnectionStringIsAUsageErrorAndCreatesNothing()
    {
        var result = await RunAsync("migrate", "--provider", "postgres");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.Err, Does.Contain("--provider postgres needs --db with an Npgsql connection string"));
            Assert.That(result.Out, Is.Empty);
            Assert.That(File.Exists(DbPath), Is.False);
        });
    }

    [Test]
    public async Task UnknownProviderIsAUsageError()
    {
        var result = await RunAsync("migrate", "--provider", "oracle");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.Err, Does.Contain("Unknown provider 'oracle'"));
            Assert.That(File.Exists(DbPath), Is.False);
        });
    }

    [Test]
    public async Task OtherCommandsRefuseADatabaseThatDoesNotExist()
    {
        var result = await RunAsync("profiles", "list");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.Err, Does.Contain(DbPath).And.Contain("does not exist").And.Contain("tokenquota migrate"));
            Assert.That(File.Exists(DbPath), Is.False, "a typo in --db must not create an empty database");
        });
    }

    [Test]
    public async Task DbAcceptsAConnectionString()
    {
        await RunOkAsync("migrate", "--db", $"Data Source={DbPath};Cache=Shared");

        var json = (await RunOkAsync("profiles", "list", "--json", "--db", $"Data Source={DbPath}")).Json();

        Assert.That(json.GetArrayLength(), Is.EqualTo(4));
    }

    [Test]
    public async Task MigrateIntoAMissingFolderIsAUsageError()
    {
        var result = await RunAsync("migrate", "--db", Path.Combine(Folder, "no-such-folder", "q.db"));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.Err, Does.Contain("does not exist").And.Contain("no-such-folder"));
        });
    }

    [Test]
    public async Task AFileThatIsNotADatabaseIsAStoreFailure()
    {
        File.WriteAllText(DbPath, "this is not a SQLite database, just some text that is long enough to fill a header");

        var result = await RunAsync("profiles", "list");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Err, Does.StartWith("error: the database failed"));
            Assert.That(result.Out, Is.Empty);
        });
    }
}
