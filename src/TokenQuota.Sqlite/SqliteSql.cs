namespace TokenQuota.Sqlite;

/// <summary>Every SQL statement of the SQLite store, in one place.</summary>
internal static class SqliteSql
{
    public const string ConnectionPragmas = "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = ";

    public const string EnableWal = "PRAGMA journal_mode = WAL;";

    public const string CreateSchemaVersionTable = """
        CREATE TABLE IF NOT EXISTS tokenquota_schema_version (
            version     INTEGER NOT NULL PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at  INTEGER NOT NULL
        );
        """;

    public const string SelectSchemaVersion = "SELECT COALESCE(MAX(version), 0) FROM tokenquota_schema_version;";

    public const string InsertSchemaVersion = "INSERT INTO tokenquota_schema_version (version, description, applied_at) VALUES (@version, @description, @now);";

    public const string SelectConfigVersion = "SELECT value FROM tokenquota_state WHERE key = 'config_version';";

    public const string IncrementConfigVersion = "UPDATE tokenquota_state SET value = value + 1 WHERE key = 'config_version';";

    private const string ProfileColumns = """
        p.id, p.name, p.description, p.prompts_per_hour, p.prompts_per_day, p.config_changes_per_hour,
        p.input_tokens_per_month, p.output_tokens_per_month, p.is_default, p.is_active, p.created_at, p.updated_at,
        (SELECT COUNT(*) FROM tokenquota_assignments a WHERE a.profile_id = p.id) AS user_count
        """;

    public const string SelectProfiles = "SELECT " + ProfileColumns + " FROM consumption_profiles p;";

    public const string SelectProfile = "SELECT " + ProfileColumns + " FROM consumption_profiles p WHERE p.id = @id;";

    public const string InsertProfile = """
        INSERT INTO consumption_profiles
            (name, description, prompts_per_hour, prompts_per_day, config_changes_per_hour,
             input_tokens_per_month, output_tokens_per_month, is_default, is_active, created_at, updated_at)
        VALUES
            (@Name, @Description, @PromptsPerHour, @PromptsPerDay, @ConfigChangesPerHour,
             @InputTokensPerMonth, @OutputTokensPerMonth, @IsDefault, @IsActive, @CreatedAt, @UpdatedAt)
        RETURNING id;
        """;

    public const string UpdateProfile = """
        UPDATE consumption_profiles SET
            name = @Name, description = @Description, prompts_per_hour = @PromptsPerHour, prompts_per_day = @PromptsPerDay,
            config_changes_per_hour = @ConfigChangesPerHour, input_tokens_per_month = @InputTokensPerMonth,
            output_tokens_per_month = @OutputTokensPerMonth, is_default = @IsDefault, is_active = @IsActive,
            updated_at = @UpdatedAt
        WHERE id = @Id;
        """;

    public const string DeleteProfile = "DELETE FROM consumption_profiles WHERE id = @id;";

    public const string ClearDefault = "UPDATE consumption_profiles SET is_default = 0 WHERE is_default = 1;";

    public const string MoveAssignments = "UPDATE tokenquota_assignments SET profile_id = @to, assigned_at = @now WHERE profile_id = @from;";

    public const string SelectAssignment = "SELECT profile_id FROM tokenquota_assignments WHERE user_id = @userId;";

    public const string UpsertAssignment = """
        INSERT INTO tokenquota_assignments (user_id, profile_id, assigned_at) VALUES (@userId, @profileId, @now)
        ON CONFLICT (user_id) DO UPDATE SET profile_id = excluded.profile_id, assigned_at = excluded.assigned_at;
        """;

    public const string DeleteAssignment = "DELETE FROM tokenquota_assignments WHERE user_id = @userId;";

    public const string InsertAudit = """
        INSERT INTO tokenquota_audit_log (occurred_at, actor, action, target, before_json, after_json)
        VALUES (@occurredAt, @actor, @action, @target, @before, @after);
        """;

    public const string SelectUsage = "SELECT input_tokens_used, output_tokens_used FROM user_token_usage WHERE user_id = @userId AND period = @period;";

    /// <summary>
    /// Insert-or-add in one statement. The WHERE guard refuses an addition that would overflow a 64-bit total:
    /// then no row is returned and nothing is written.
    /// </summary>
    public const string AddUsage = """
        INSERT INTO user_token_usage
            (user_id, period, input_tokens_used, output_tokens_used, total_tokens_used, first_usage_at, last_usage_at)
        VALUES (@userId, @period, @input, @output, @input + @output, @now, @now)
        ON CONFLICT (user_id, period) DO UPDATE SET
            input_tokens_used  = input_tokens_used + excluded.input_tokens_used,
            output_tokens_used = output_tokens_used + excluded.output_tokens_used,
            total_tokens_used  = total_tokens_used + excluded.total_tokens_used,
            last_usage_at      = excluded.last_usage_at
        WHERE input_tokens_used <= 9223372036854775807 - excluded.input_tokens_used
          AND output_tokens_used <= 9223372036854775807 - excluded.output_tokens_used
          AND total_tokens_used <= 9223372036854775807 - excluded.total_tokens_used
        RETURNING input_tokens_used, output_tokens_used;
        """;

    public const string SelectRateWindows = "SELECT window_key, window_start, request_count FROM tokenquota_rate_windows WHERE user_id = @userId;";

    public const string ChargeRateWindow = """
        INSERT INTO tokenquota_rate_windows (user_id, window_key, window_start, request_count)
        VALUES (@userId, @key, @start, 1)
        ON CONFLICT (user_id, window_key) DO UPDATE SET
            request_count = CASE WHEN window_start = excluded.window_start THEN request_count + 1 ELSE 1 END,
            window_start  = excluded.window_start;
        """;
}
