using Microsoft.Data.Sqlite;

namespace TokenQuota.Testing;

/// <summary>
/// Builds a <c>tda_auth.db</c> the way the original consumption-profiles feature left it: its
/// <c>migrate_consumption_profiles.py</c> DDL (TIMESTAMP text, a nullable <c>is_default</c>, no foreign key from
/// <c>users.consumption_profile_id</c>), its four seed profiles and a <c>users</c> table of its host.
/// </summary>
internal sealed class SeedDatabase
{
    private const string Schema = """
        CREATE TABLE users (
            id VARCHAR(36) PRIMARY KEY,
            username VARCHAR(80) UNIQUE NOT NULL,
            email VARCHAR(120),
            created_at TIMESTAMP
        );
        ALTER TABLE users ADD COLUMN consumption_profile_id INTEGER;
        CREATE TABLE consumption_profiles (
            id INTEGER PRIMARY KEY,
            name VARCHAR(100) UNIQUE NOT NULL,
            description TEXT,
            prompts_per_hour INTEGER NOT NULL DEFAULT 100,
            prompts_per_day INTEGER NOT NULL DEFAULT 1000,
            config_changes_per_hour INTEGER NOT NULL DEFAULT 10,
            input_tokens_per_month INTEGER,
            output_tokens_per_month INTEGER,
            is_default BOOLEAN DEFAULT 0,
            is_active BOOLEAN DEFAULT 1,
            created_at TIMESTAMP,
            updated_at TIMESTAMP
        );
        CREATE TABLE user_token_usage (
            id INTEGER PRIMARY KEY,
            user_id VARCHAR(36) NOT NULL,
            period VARCHAR(7) NOT NULL,
            input_tokens_used INTEGER DEFAULT 0,
            output_tokens_used INTEGER DEFAULT 0,
            total_tokens_used INTEGER DEFAULT 0,
            first_usage_at TIMESTAMP,
            last_usage_at TIMESTAMP,
            UNIQUE(user_id, period)
        );
        CREATE INDEX idx_consumption_profiles_name ON consumption_profiles (name);
        CREATE INDEX idx_users_consumption_profile_id ON users (consumption_profile_id);
        """;

    private SeedDatabase(string path) => Path = path;

    /// <summary>Gets the file's path.</summary>
    public string Path { get; }

    /// <summary>Creates the file with the seed's schema and nothing in it.</summary>
    public static SeedDatabase CreateEmpty(string path)
    {
        var seed = new SeedDatabase(path);
        seed.Execute(Schema);
        return seed;
    }

    /// <summary>Creates the file with the seed's schema and its four profiles (Free the default), as its migration did.</summary>
    public static SeedDatabase Create(string path) =>
        CreateEmpty(path)
            .Profile(1, "Free", 50, 500, 5, 100_000, 50_000, isDefault: true, description: "Free tier")
            .Profile(2, "Pro", 200, 2000, 20, 500_000, 250_000, description: "Professional tier")
            .Profile(3, "Enterprise", 500, 5000, 50, 2_000_000, 1_000_000, description: "Enterprise tier")
            .Profile(4, "Unlimited", 1000, 10000, 100, null, null, description: "Unlimited usage");

    /// <summary>Adds a profile row; <paramref name="isDefault"/> and <paramref name="isActive"/> may be NULL, as the seed's columns allow.</summary>
    public SeedDatabase Profile(
        long id, string name, long promptsPerHour, long promptsPerDay, long configChangesPerHour, long? inputTokens, long? outputTokens,
        bool? isDefault = false, bool? isActive = true, string? description = null, string createdAt = "2026-09-01 08:00:00.000000")
    {
        Execute(
            """
            INSERT INTO consumption_profiles (id, name, description, prompts_per_hour, prompts_per_day, config_changes_per_hour,
                input_tokens_per_month, output_tokens_per_month, is_default, is_active, created_at, updated_at)
            VALUES ($id, $name, $description, $ph, $pd, $ch, $in, $out, $default, $active, $created, $created);
            """,
            ("$id", id), ("$name", name), ("$description", description), ("$ph", promptsPerHour), ("$pd", promptsPerDay), ("$ch", configChangesPerHour),
            ("$in", inputTokens), ("$out", outputTokens), ("$default", isDefault), ("$active", isActive), ("$created", createdAt));
        return this;
    }

    /// <summary>Adds a user of the host, assigned to <paramref name="profileId"/> (which may name no profile).</summary>
    public SeedDatabase User(string id, string username, long? profileId = null)
    {
        Execute(
            "INSERT INTO users (id, username, created_at, consumption_profile_id) VALUES ($id, $name, '2026-09-01 08:00:00', $profile);",
            ("$id", id), ("$name", username), ("$profile", profileId));
        return this;
    }

    /// <summary>Adds a usage row with TIMESTAMP text as SQLAlchemy wrote it (<c>YYYY-MM-DD HH:MM:SS.ffffff</c>, naive UTC).</summary>
    public SeedDatabase Usage(string userId, string period, long input, long output, string firstUsageAt, string lastUsageAt)
    {
        Execute(
            """
            INSERT INTO user_token_usage (user_id, period, input_tokens_used, output_tokens_used, total_tokens_used, first_usage_at, last_usage_at)
            VALUES ($user, $period, $in, $out, $in + $out, $first, $last);
            """,
            ("$user", userId), ("$period", period), ("$in", input), ("$out", output), ("$first", firstUsageAt), ("$last", lastUsageAt));
        return this;
    }

    /// <summary>Runs SQL on the file (for oddities the builder has no method for).</summary>
    public SeedDatabase Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        command.ExecuteNonQuery();
        return this;
    }
}
