using Npgsql;
using TokenQuota.Testing;

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
    public async Task UsersSqlReadsTheHostsTableReadOnlyAndAssignUnlimitedCoversIt()
    {
        string[] pg = ["--provider", "postgres", "--db", connectionString, "--schema", schema];
        await RunOkAsync(["migrate", .. pg]);
        await ExecuteAsync($"CREATE TABLE {schema}.host_users (id text, uid uuid); INSERT INTO {schema}.host_users VALUES ('h1', gen_random_uuid()), ('h2', gen_random_uuid());");

        var refused = await RunAsync(["assign", "ghost", "Pro", "--users-sql", $"SELECT id FROM {schema}.host_users", .. pg]);
        var write = await RunAsync(["assign-unlimited", "--users-sql", $"DELETE FROM {schema}.host_users RETURNING id", .. pg]);
        var uuid = await RunAsync(["assign-unlimited", "--users-sql", $"SELECT uid FROM {schema}.host_users", .. pg]);
        var summary = (await RunOkAsync(["assign-unlimited", "--users-sql", $"SELECT id FROM {schema}.host_users", "--json", .. pg])).Json();
        var status = (await RunOkAsync(["status", "h2", "--json", .. pg])).Json();

        Assert.Multiple(async () =>
        {
            Assert.That(refused.ExitCode, Is.EqualTo(2), refused.ToString);
            Assert.That(refused.Err, Does.Contain("User not found"));
            Assert.That(write.ExitCode, Is.EqualTo(1), write.ToString);
            Assert.That(write.Err, Does.Contain("--users-sql failed").And.Contain("read-only transaction"));
            Assert.That(uuid.Err, Does.Contain("is a Guid, not text").And.Contain("id::text"));
            Assert.That(summary.GetProperty("directory_user_count").GetInt32(), Is.EqualTo(2));
            Assert.That(summary.GetProperty("users_assigned").GetInt32(), Is.EqualTo(2));
            Assert.That(status.GetProperty("profile_name").GetString(), Is.EqualTo("Unlimited"));
            Assert.That(await CountAsync($"SELECT COUNT(*) FROM {schema}.host_users;"), Is.EqualTo(2), "the DELETE was refused");
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

    [Test]
    public async Task ASeedInstallationIsImportedIntoAPostgresSchemaIdempotentlyAndNewIdsContinueAfterTheSeeds()
    {
        var seedPath = Path.Combine(Folder, "tda_auth.db");
        SeedDatabase.Create(seedPath)
            .Profile(5, "pro", 300, 3000, 30, 700_000, 350_000)
            .Profile(9, "Team", 400, 4000, 40, null, null, isDefault: null)
            .User("u-alice", "alice", 9)
            .User("u-carol", "carol", 42)
            .Usage("u-alice", "2026-12", 1_000, 500, "2026-12-01 10:00:00.000000", "2026-12-02 11:30:00.250000");
        string[] pg = ["--provider", "postgres", "--db", connectionString, "--schema", schema];

        var first = (await RunOkAsync(["import-seed", "--from", seedPath, "--json", .. pg])).Json();
        var second = (await RunOkAsync(["import-seed", "--from", seedPath, "--json", .. pg])).Json();
        await RunOkAsync(["profiles", "create", "--name", "After", .. pg]);
        var alice = (await RunOkAsync(["status", "u-alice", "--json", .. pg])).Json();

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        async Task<object?> ScalarAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql.Replace("{s}", schema, StringComparison.Ordinal), connection);
            return await command.ExecuteScalarAsync();
        }

        Assert.Multiple(async () =>
        {
            Assert.That(first.GetProperty("changed").GetBoolean(), Is.True);
            Assert.That(second.GetProperty("changed").GetBoolean(), Is.False, second.ToString());
            Assert.That(await ScalarAsync("SELECT id FROM {s}.consumption_profiles WHERE name = 'pro (5)';"), Is.EqualTo(5L));
            Assert.That(await ScalarAsync("SELECT id FROM {s}.consumption_profiles WHERE name = 'Team';"), Is.EqualTo(9L));
            Assert.That(await ScalarAsync("SELECT id FROM {s}.consumption_profiles WHERE name = 'After';"), Is.EqualTo(10L), "the identity moved past the kept ids");
            Assert.That(await ScalarAsync("SELECT profile_id FROM {s}.tokenquota_assignments WHERE user_id = 'u-alice';"), Is.EqualTo(9L));
            Assert.That(await ScalarAsync("SELECT COUNT(*) FROM {s}.tokenquota_assignments WHERE user_id = 'u-carol';"), Is.EqualTo(0L));
            Assert.That(
                await ScalarAsync("SELECT last_usage_at FROM {s}.user_token_usage WHERE user_id = 'u-alice' AND period = '2026-12';"),
                Is.EqualTo(new DateTimeOffset(2026, 12, 2, 11, 30, 0, 250, TimeSpan.Zero).ToUnixTimeMilliseconds()));
            Assert.That(alice.GetProperty("profile_name").GetString(), Is.EqualTo("Team"));
        });
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
