using Npgsql;

namespace TokenQuota.Cli.Tests;

/// <summary>The CLI against PostgreSQL: runs on build/test.sh's throwaway cluster, skipped elsewhere.</summary>
public class PostgresProviderTests : CliTestBase
{
    private string connectionString = null!;
    private string schema = null!;

    [SetUp]
    public void RequireServer()
    {
        connectionString = Environment.GetEnvironmentVariable("TOKENQUOTA_POSTGRES_CONNECTION") ?? string.Empty;
        if (connectionString.Length == 0)
        {
            Assert.Ignore("Needs a PostgreSQL server: run ./build/test.sh, or set TOKENQUOTA_POSTGRES_CONNECTION to a server you own.");
        }

        schema = "cli_" + Guid.NewGuid().ToString("N")[..12];
    }

    [TearDown]
    public async Task DropSchema()
    {
        if (connectionString.Length > 0)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE;", connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    [Test]
    public async Task MigrateAheadOfADeploymentThenAdministerThePostgresSchema()
    {
        var first = (await RunOkAsync("migrate", "--provider", "postgres", "--db", connectionString, "--schema", schema, "--json")).Json();
        var again = (await RunOkAsync("migrate", "--provider", "postgres", "--db", connectionString, "--schema", schema, "--json")).Json();
        await RunOkAsync("assign", "alice", "Pro", "--provider", "postgres", "--db", connectionString, "--schema", schema);
        var status = (await RunOkAsync("status", "alice", "--provider", "postgres", "--db", connectionString, "--schema", schema, "--json")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(first.GetProperty("provider").GetString(), Is.EqualTo("postgres"));
            Assert.That(first.GetProperty("schema_version_before").GetInt64(), Is.Zero);
            Assert.That(first.GetProperty("schema_version").GetInt64(), Is.EqualTo(TokenQuota.PostgreSql.PostgreSqlQuotaStore.LatestSchemaVersion));
            Assert.That(first.GetProperty("profile_count").GetInt32(), Is.EqualTo(4));
            Assert.That(again.GetProperty("schema_version_before").GetInt64(), Is.EqualTo(TokenQuota.PostgreSql.PostgreSqlQuotaStore.LatestSchemaVersion));
            Assert.That(status.GetProperty("profile_name").GetString(), Is.EqualTo("Pro"));
        });
    }

    [Test]
    public async Task AnInvalidSchemaNameIsAUsageError()
    {
        var result = await RunAsync("migrate", "--provider", "postgres", "--db", connectionString, "--schema", "Bad;Schema");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.Err, Does.Contain("Bad;Schema"));
        });
    }
}
