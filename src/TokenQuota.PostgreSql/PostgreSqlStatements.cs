using TokenQuota.Relational;
using TokenQuota.Storage;

namespace TokenQuota.PostgreSql;

/// <summary>Every SQL statement of the PostgreSQL store, in one place, with the configured schema filled in.</summary>
internal sealed class PostgreSqlStatements : RelationalSql
{
    /// <summary>The advisory-lock class of TokenQuota's per-user locks (judging rate windows and reservations).</summary>
    public const int UserLockClass = 0x54510001;

    /// <summary>The advisory-lock class of administrative changes (one at a time, like SQLite's BEGIN IMMEDIATE).</summary>
    public const int AdminLockClass = 0x54510002;

    /// <summary>The advisory-lock class of migrations.</summary>
    public const int MigrationLockClass = 0x54510003;

    private const string ProfileColumns = """
        p.id AS Id, p.name AS Name, p.description AS Description, p.prompts_per_hour AS PromptsPerHour,
        p.prompts_per_day AS PromptsPerDay, p.config_changes_per_hour AS ConfigChangesPerHour,
        p.input_tokens_per_month AS InputTokensPerMonth, p.output_tokens_per_month AS OutputTokensPerMonth,
        COALESCE(x.time_zone, 'UTC') AS TimeZone, COALESCE(x.anchor_day, 1) AS AnchorDay, COALESCE(x.week_start, 1) AS WeekStart, COALESCE(x.limits, '') AS Limits,
        p.is_default AS IsDefault, p.is_active AS IsActive, p.created_at AS CreatedAt, p.updated_at AS UpdatedAt,
        (SELECT COUNT(*) FROM {s}.tokenquota_assignments a WHERE a.profile_id = p.id) AS UserCount
        """;

    private const string UsageColumns = """
        user_id AS UserId, period AS Period, input_tokens_used AS InputTokens, output_tokens_used AS OutputTokens,
        total_tokens_used AS TotalTokens, first_usage_at AS FirstUsageAt, last_usage_at AS LastUsageAt
        """;

    private const string AuditFilter = """
        WHERE (@from::bigint IS NULL OR occurred_at >= @from::bigint) AND (@to::bigint IS NULL OR occurred_at < @to::bigint)
          AND (@actor::text IS NULL OR actor = @actor::text) AND (@action::text IS NULL OR action = @action::text)
          AND (@target::text IS NULL OR target = @target::text)
        """;

    private readonly string schema;

    public PostgreSqlStatements(string schema)
    {
        this.schema = schema;
        CreateSchema = $"CREATE SCHEMA IF NOT EXISTS {schema};";
        SelectIsSeedDatabase = S("""
            SELECT (to_regclass('{s}.consumption_profiles') IS NOT NULL OR to_regclass('{s}.user_token_usage') IS NOT NULL)
               AND to_regclass('{s}.tokenquota_schema_version') IS NULL;
            """);
        CreateSchemaVersionTable = S("""
            CREATE TABLE IF NOT EXISTS {s}.tokenquota_schema_version (
                version     INTEGER NOT NULL PRIMARY KEY,
                description TEXT NOT NULL,
                applied_at  BIGINT NOT NULL
            );
            """);
        SelectSchemaVersion = S("SELECT COALESCE(MAX(version), 0) FROM {s}.tokenquota_schema_version;");
        SchemaVersionTableExists = S("SELECT to_regclass('{s}.tokenquota_schema_version') IS NOT NULL;");
        InsertSchemaVersion = S("INSERT INTO {s}.tokenquota_schema_version (version, description, applied_at) VALUES (@version, @description, @now);");
        SelectConfigVersion = S("SELECT value FROM {s}.tokenquota_state WHERE key = 'config_version';");
        IncrementConfigVersion = S("UPDATE {s}.tokenquota_state SET value = value + 1 WHERE key = 'config_version';");
        SelectRateLimitSettings = S(
            "SELECT (SELECT value FROM {s}.tokenquota_state WHERE key = '" + RateLimitSettingsRow.EnabledKey + "') AS Enabled, " +
            "(SELECT value FROM {s}.tokenquota_state WHERE key = '" + RateLimitSettingsRow.GlobalOverrideKey + "') AS GlobalOverride;");
        UpsertRateLimitSettings = S(
            "INSERT INTO {s}.tokenquota_state (key, value) VALUES ('" + RateLimitSettingsRow.EnabledKey + "', @enabled), ('" +
            RateLimitSettingsRow.GlobalOverrideKey + "', @globalOverride) ON CONFLICT (key) DO UPDATE SET value = excluded.value;");
        SelectProfiles = S("SELECT " + ProfileColumns + " FROM {s}.consumption_profiles p LEFT JOIN {s}.tokenquota_profile_limits x ON x.profile_id = p.id;");
        SelectProfile = S("SELECT " + ProfileColumns + " FROM {s}.consumption_profiles p LEFT JOIN {s}.tokenquota_profile_limits x ON x.profile_id = p.id WHERE p.id = @id;");
        InsertProfile = S("""
            INSERT INTO {s}.consumption_profiles
                (name, description, prompts_per_hour, prompts_per_day, config_changes_per_hour,
                 input_tokens_per_month, output_tokens_per_month, is_default, is_active, created_at, updated_at)
            VALUES (@Name, @Description, @PromptsPerHour, @PromptsPerDay, @ConfigChangesPerHour,
                 @InputTokensPerMonth, @OutputTokensPerMonth, @IsDefault, @IsActive, @CreatedAt, @UpdatedAt)
            RETURNING id;
            """);
        InsertProfileWithId = S("""
            INSERT INTO {s}.consumption_profiles
                (id, name, description, prompts_per_hour, prompts_per_day, config_changes_per_hour,
                 input_tokens_per_month, output_tokens_per_month, is_default, is_active, created_at, updated_at)
            VALUES (@Id, @Name, @Description, @PromptsPerHour, @PromptsPerDay, @ConfigChangesPerHour,
                 @InputTokensPerMonth, @OutputTokensPerMonth, @IsDefault, @IsActive, @CreatedAt, @UpdatedAt)
            RETURNING id;
            SELECT setval(pg_get_serial_sequence('{s}.consumption_profiles', 'id'), (SELECT MAX(id) FROM {s}.consumption_profiles));
            """);
        MergeUsage = S("""
            INSERT INTO {s}.user_token_usage AS u
                (user_id, period, input_tokens_used, output_tokens_used, total_tokens_used, first_usage_at, last_usage_at)
            VALUES (@UserId, @Period, @Input, @Output, @Input + @Output, @First, @Last)
            ON CONFLICT (user_id, period) DO UPDATE SET
                input_tokens_used  = GREATEST(u.input_tokens_used, EXCLUDED.input_tokens_used),
                output_tokens_used = GREATEST(u.output_tokens_used, EXCLUDED.output_tokens_used),
                total_tokens_used  = GREATEST(u.input_tokens_used, EXCLUDED.input_tokens_used) + GREATEST(u.output_tokens_used, EXCLUDED.output_tokens_used),
                first_usage_at     = LEAST(u.first_usage_at, EXCLUDED.first_usage_at),
                last_usage_at      = GREATEST(u.last_usage_at, EXCLUDED.last_usage_at)
            WHERE u.input_tokens_used < EXCLUDED.input_tokens_used OR u.output_tokens_used < EXCLUDED.output_tokens_used
               OR u.first_usage_at > EXCLUDED.first_usage_at OR u.last_usage_at < EXCLUDED.last_usage_at;
            """);
        UpdateProfile = S("""
            UPDATE {s}.consumption_profiles SET
                name = @Name, description = @Description, prompts_per_hour = @PromptsPerHour, prompts_per_day = @PromptsPerDay,
                config_changes_per_hour = @ConfigChangesPerHour, input_tokens_per_month = @InputTokensPerMonth,
                output_tokens_per_month = @OutputTokensPerMonth, is_default = @IsDefault, is_active = @IsActive, updated_at = @UpdatedAt
            WHERE id = @Id;
            """);
        UpsertProfileLimits = S("""
            INSERT INTO {s}.tokenquota_profile_limits (profile_id, time_zone, anchor_day, week_start, limits) VALUES (@id, @timeZone, @anchorDay, @weekStart, @limits)
            ON CONFLICT (profile_id) DO UPDATE SET time_zone = excluded.time_zone, anchor_day = excluded.anchor_day, week_start = excluded.week_start, limits = excluded.limits;
            """);
        SelectLimitCounters = S("""
            SELECT user_id AS UserId, limit_key AS Key, window_start AS WindowStart, window_end AS WindowEnd, count AS Count, state AS State
            FROM {s}.tokenquota_limit_counters WHERE user_id = @userId AND limit_key = ANY(@keys)
            UNION ALL
            SELECT c.user_id, c.limit_key, c.window_start, c.window_end, c.count, c.state
            FROM {s}.tokenquota_limit_counters AS c JOIN unnest(@subjects::text[], @sharedKeys::text[]) AS k (subject, key) ON c.user_id = k.subject AND c.limit_key = k.key;
            """);
        LockSubjects = $"SELECT pg_advisory_xact_lock({UserLockClass}, h) FROM (SELECT DISTINCT hashtext(subject) AS h FROM unnest(@subjects::text[]) AS subject ORDER BY h) AS o;";
        SelectLiveSubjectHolds = S("""
            SELECT h.holds FROM {s}.tokenquota_subject_holds AS h
                JOIN {s}.tokenquota_reservations AS r ON r.request_id = h.request_id AND r.state = 'held'
                WHERE h.subject = ANY(@subjects) AND h.expires_at > @now;
            """);
        PurgeSubjectHolds = S("""
            DELETE FROM {s}.tokenquota_subject_holds
                WHERE subject = ANY(@subjects)
                  AND (expires_at <= @now
                       OR NOT EXISTS (SELECT 1 FROM {s}.tokenquota_reservations AS r WHERE r.request_id = {s}.tokenquota_subject_holds.request_id AND r.state = 'held'));
            """);
        InsertSubjectHolds = S("""
            INSERT INTO {s}.tokenquota_subject_holds (subject, request_id, expires_at, holds)
            SELECT subject, @requestId, @expiresAt, holds FROM unnest(@subjects::text[], @holds::text[]) AS h (subject, holds)
            ON CONFLICT (subject, request_id) DO UPDATE SET expires_at = excluded.expires_at, holds = excluded.holds;
            """);
        UpsertLimitCounter = S("""
            INSERT INTO {s}.tokenquota_limit_counters (user_id, limit_key, window_start, window_end, count, state)
            VALUES (@UserId, @Key, @WindowStart, @WindowEnd, @Count, @State)
            ON CONFLICT (user_id, limit_key) DO UPDATE SET
                window_start = excluded.window_start, window_end = excluded.window_end, count = excluded.count, state = excluded.state;
            """);
        SelectLiveLimitHolds = S("""
            SELECT h.holds FROM {s}.tokenquota_limit_holds AS h
                JOIN {s}.tokenquota_reservations AS r ON r.request_id = h.request_id AND r.state = 'held'
                WHERE h.user_id = @userId AND h.expires_at > @now;
            """);
        PurgeLimitHolds = S("""
            DELETE FROM {s}.tokenquota_limit_holds
                WHERE user_id = @userId
                  AND (expires_at <= @now
                       OR NOT EXISTS (SELECT 1 FROM {s}.tokenquota_reservations AS r WHERE r.request_id = {s}.tokenquota_limit_holds.request_id AND r.state = 'held'));
            """);
        InsertLimitHolds = S("INSERT INTO {s}.tokenquota_limit_holds (request_id, user_id, expires_at, holds) VALUES (@requestId, @userId, @expiresAt, @holds) ON CONFLICT (request_id) DO UPDATE SET user_id = excluded.user_id, expires_at = excluded.expires_at, holds = excluded.holds;");
        DeleteProfileLimits = S("DELETE FROM {s}.tokenquota_profile_limits WHERE profile_id = @id;");
        DeleteProfile = S("DELETE FROM {s}.consumption_profiles WHERE id = @id;");
        ClearDefault = S("UPDATE {s}.consumption_profiles SET is_default = FALSE WHERE is_default;");
        MoveAssignments = S("UPDATE {s}.tokenquota_assignments SET profile_id = @to, assigned_at = @now WHERE profile_id = @from;");
        SelectAssignment = S("SELECT profile_id FROM {s}.tokenquota_assignments WHERE user_id = @userId;");
        UpsertAssignment = S("""
            INSERT INTO {s}.tokenquota_assignments (user_id, profile_id, assigned_at) VALUES (@userId, @profileId, @now)
            ON CONFLICT (user_id) DO UPDATE SET profile_id = excluded.profile_id, assigned_at = excluded.assigned_at;
            """);
        UpsertAssignments = S("""
            INSERT INTO {s}.tokenquota_assignments (user_id, profile_id, assigned_at)
            SELECT u, @profileId, @now FROM unnest(@userIds::text[]) AS u
            ON CONFLICT (user_id) DO UPDATE SET profile_id = excluded.profile_id, assigned_at = excluded.assigned_at;
            """);
        DeleteAssignment = S("DELETE FROM {s}.tokenquota_assignments WHERE user_id = @userId;");
        DeleteAssignments = S("DELETE FROM {s}.tokenquota_assignments WHERE user_id = ANY(@userIds::text[]);");
        InsertAudit = S("""
            INSERT INTO {s}.tokenquota_audit_log (occurred_at, actor, action, target, before_json, after_json)
            VALUES (@occurredAt, @actor, @action, @target, @before, @after);
            """);
        SelectUnassigned = S("""
            SELECT u FROM unnest(@userIds::text[]) AS u
            WHERE NOT EXISTS (SELECT 1 FROM {s}.tokenquota_assignments a WHERE a.user_id = u);
            """);
        SelectKnownUnassignedUsers = S("""
            SELECT user_id FROM {s}.user_token_usage
            UNION
            SELECT user_id FROM {s}.tokenquota_rate_windows
            EXCEPT
            SELECT user_id FROM {s}.tokenquota_assignments;
            """);
        CountAssignments = S("SELECT COUNT(*) FROM {s}.tokenquota_assignments WHERE profile_id = @profileId;");
        SelectAssignmentsPage = S("""
            SELECT user_id AS UserId, profile_id AS ProfileId, assigned_at AS AssignedAt FROM {s}.tokenquota_assignments
            WHERE profile_id = @profileId ORDER BY user_id COLLATE "C" LIMIT @limit OFFSET @offset;
            """);
        CountAudit = S("SELECT COUNT(*) FROM {s}.tokenquota_audit_log " + AuditFilter + ";");
        SelectAuditPage = S("""
            SELECT id AS Id, occurred_at AS OccurredAt, actor AS Actor, action AS Action, target AS Target, before_json AS Before, after_json AS After
            FROM {s}.tokenquota_audit_log
            """ + "\n" + AuditFilter + " ORDER BY occurred_at DESC, id DESC LIMIT @limit OFFSET @offset;");
        CountUsage = S("SELECT COUNT(*) FROM {s}.user_token_usage WHERE period = @period;");
        SelectUsagePage = S("SELECT " + UsageColumns + " FROM {s}.user_token_usage WHERE period = @period ORDER BY {0} LIMIT @limit OFFSET @offset;");
        SelectUserHistory = S("SELECT " + UsageColumns + " FROM {s}.user_token_usage WHERE user_id = @userId ORDER BY period DESC;");
        SelectPeriodTotals = S("""
            SELECT period AS Period, COUNT(*) AS Users, SUM(input_tokens_used)::bigint AS InputTokens,
                   SUM(output_tokens_used)::bigint AS OutputTokens, SUM(total_tokens_used)::bigint AS TotalTokens
            FROM {s}.user_token_usage GROUP BY period ORDER BY period DESC;
            """);
        LockUser = $"SELECT pg_advisory_xact_lock({UserLockClass}, hashtext(@userId));";
        LockAdmin = $"SELECT pg_advisory_xact_lock({AdminLockClass}, 0);";
        LockMigration = $"SELECT pg_advisory_lock({MigrationLockClass}, hashtext('{schema}'));";
        UnlockMigration = $"SELECT pg_advisory_unlock({MigrationLockClass}, hashtext('{schema}'));";
        SelectRateWindowsAndConfigVersion = S("SELECT window_key AS WindowKey, window_start AS WindowStart, request_count AS RequestCount FROM {s}.tokenquota_rate_windows WHERE user_id = @userId;")
            + " " + SelectConfigVersion;
        ChargeRateWindow = S("""
            INSERT INTO {s}.tokenquota_keyed_rate_windows AS w (user_id, window_key, window_start, request_count)
            VALUES (@userId, @key, @start, 1)
            ON CONFLICT (user_id, window_key) DO UPDATE SET
                request_count = CASE WHEN w.window_start = excluded.window_start THEN w.request_count + 1 ELSE 1 END,
                window_start  = excluded.window_start;
            """);
        ChargePromptWindows = S("""
            INSERT INTO {s}.tokenquota_prompt_windows AS w (user_id, hour_start, hour_count, day_start, day_count)
            VALUES (@userId, COALESCE(@hour::bigint, 0), CASE WHEN @hour::bigint IS NULL THEN 0 ELSE 1 END,
                    COALESCE(@day::bigint, 0), CASE WHEN @day::bigint IS NULL THEN 0 ELSE 1 END)
            ON CONFLICT (user_id) DO UPDATE SET
                hour_count = CASE WHEN @hour::bigint IS NULL THEN w.hour_count WHEN w.hour_start = @hour::bigint THEN w.hour_count + 1 ELSE 1 END,
                hour_start = COALESCE(@hour::bigint, w.hour_start),
                day_count  = CASE WHEN @day::bigint IS NULL THEN w.day_count WHEN w.day_start = @day::bigint THEN w.day_count + 1 ELSE 1 END,
                day_start  = COALESCE(@day::bigint, w.day_start);
            """);
        PurgeExpiredHolds = S("""
            WITH expired AS (
                DELETE FROM {s}.tokenquota_reservations
                WHERE user_id = @userId AND state = 'held' AND expires_at <= @now
                RETURNING period, input_tokens, output_tokens),
            sums AS (SELECT period, SUM(input_tokens) AS input, SUM(output_tokens) AS output FROM expired GROUP BY period),
            taken_back AS (
                UPDATE {s}.tokenquota_reserved_totals AS t SET input_tokens = t.input_tokens - sums.input, output_tokens = t.output_tokens - sums.output
                FROM sums WHERE t.user_id = @userId AND t.period = sums.period)
            SELECT COUNT(*)::integer FROM expired;
            """);
        InsertReservation = S("""
            WITH hold AS (
                INSERT INTO {s}.tokenquota_reservations (request_id, user_id, period, input_tokens, output_tokens, state, created_at, expires_at)
                VALUES (@requestId, @userId, @period, @input, @output, 'held', @now, @expiresAt)
                ON CONFLICT (request_id) DO NOTHING
                RETURNING user_id, period, input_tokens, output_tokens)
            INSERT INTO {s}.tokenquota_reserved_totals AS t (user_id, period, input_tokens, output_tokens)
            SELECT user_id, period, input_tokens, output_tokens FROM hold
            ON CONFLICT (user_id, period) DO UPDATE SET
                input_tokens = t.input_tokens + excluded.input_tokens, output_tokens = t.output_tokens + excluded.output_tokens;
            """);
        SelectReservation = S("SELECT user_id AS UserId, period AS Period, state AS State, expires_at AS ExpiresAt, input_tokens AS InputTokens, output_tokens AS OutputTokens FROM {s}.tokenquota_reservations WHERE request_id = @requestId FOR UPDATE;");
        MarkReservationCommitted = S("""
            WITH taken_back AS (
                UPDATE {s}.tokenquota_reserved_totals SET input_tokens = input_tokens - @heldInput, output_tokens = output_tokens - @heldOutput
                WHERE @wasHeld AND user_id = @userId AND period = @period)
            INSERT INTO {s}.tokenquota_reservations AS r (request_id, user_id, period, input_tokens, output_tokens, state, created_at, expires_at, committed_at)
            VALUES (@requestId, @userId, @period, @input, @output, 'committed', @now, @now, @now)
            ON CONFLICT (request_id) DO UPDATE SET
                input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, state = 'committed', committed_at = excluded.committed_at;
            """);
        ReleaseReservation = S("""
            WITH released AS (
                DELETE FROM {s}.tokenquota_reservations WHERE request_id = @requestId AND state = 'held'
                RETURNING user_id, period, input_tokens, output_tokens)
            UPDATE {s}.tokenquota_reserved_totals AS t SET input_tokens = t.input_tokens - r.input_tokens, output_tokens = t.output_tokens - r.output_tokens
            FROM released AS r WHERE t.user_id = r.user_id AND t.period = r.period;
            """);
        SelectUsersWithExpiredHolds = S("SELECT DISTINCT user_id FROM {s}.tokenquota_reservations WHERE state = 'held' AND expires_at <= @now LIMIT @limit;");
        PurgeCommittedReservations = S("""
            DELETE FROM {s}.tokenquota_reservations WHERE request_id IN (
                SELECT request_id FROM {s}.tokenquota_reservations
                WHERE state = 'committed' AND committed_at <= @cutoff
                ORDER BY committed_at LIMIT @limit);
            """);
    }

    public string CreateSchema { get; }

    /// <summary>Whether the schema holds the seed's tables but no TokenQuota schema (read before anything is written).</summary>
    public string SelectIsSeedDatabase { get; }

    public string CreateSchemaVersionTable { get; }

    /// <summary>Inserts a profile keeping its id, then moves the identity past it so later new ids stay free.</summary>
    public string InsertProfileWithId { get; }

    /// <summary>Merges a usage row carried over from another installation; no row changes when it adds nothing.</summary>
    public override string MergeUsage { get; }

    public string SelectSchemaVersion { get; }

    /// <summary>Whether the schema version table exists (read before <see cref="SelectSchemaVersion"/> when nothing may be migrated).</summary>
    public string SchemaVersionTableExists { get; }

    public string InsertSchemaVersion { get; }

    public string SelectConfigVersion { get; }

    public override string IncrementConfigVersion { get; }

    /// <summary>The run-time rate-limit settings, each NULL until first stored.</summary>
    public override string SelectRateLimitSettings { get; }

    protected override string Table(string name) => schema + "." + name;

    public override string UpsertRateLimitSettings { get; }

    public override string SelectProfiles { get; }

    public override string SelectProfile { get; }

    public override string InsertProfile { get; }

    public override string UpdateProfile { get; }

    /// <inheritdoc />
    public override string UpsertProfileLimits { get; }

    /// <inheritdoc />
    public override string DeleteProfileLimits { get; }

    public string SelectLimitCounters { get; }

    public string UpsertLimitCounter { get; }

    public string SelectLiveLimitHolds { get; }

    public string PurgeLimitHolds { get; }

    public string InsertLimitHolds { get; }

    /// <summary>Takes the advisory locks of shared subjects (<c>@subjects</c>), in one order for every caller, after the user's.</summary>
    public string LockSubjects { get; }

    /// <summary>Reads the hold texts of live reservations held against shared subjects (<c>@subjects, @now</c>).</summary>
    public string SelectLiveSubjectHolds { get; }

    /// <summary>Forgets the holds of shared subjects (<c>@subjects, @now</c>) whose reservation ended.</summary>
    public string PurgeSubjectHolds { get; }

    /// <summary>Stores what a reservation (<c>@requestId, @expiresAt</c>) holds against each shared subject (<c>@subjects, @holds</c>).</summary>
    public string InsertSubjectHolds { get; }

    public override string DeleteProfile { get; }

    public override string ClearDefault { get; }

    public override string MoveAssignments { get; }

    public override string SelectAssignment { get; }

    public override string UpsertAssignment { get; }

    public string UpsertAssignments { get; }

    public override string DeleteAssignment { get; }

    public string DeleteAssignments { get; }

    public override string InsertAudit { get; }

    public string SelectUnassigned { get; }

    public override string SelectKnownUnassignedUsers { get; }

    public override string CountAssignments { get; }

    public override string SelectAssignmentsPage { get; }

    public override string CountAudit { get; }

    public override string SelectAuditPage { get; }

    public override string CountUsage { get; }

    public override string SelectUsagePage { get; }

    public override string SelectUserHistory { get; }

    public override string SelectPeriodTotals { get; }

    public string LockUser { get; }

    public override string LockAdmin { get; }

    public string LockMigration { get; }

    public string UnlockMigration { get; }

    /// <summary>Gets a user's windows (every one as a row of the view <c>tokenquota_rate_windows</c>) then <see cref="SelectConfigVersion"/>, in one command.</summary>
    public string SelectRateWindowsAndConfigVersion { get; }

    /// <summary>Gets the insert-or-update of one window of the table by key (every window but the prompt windows).</summary>
    public string ChargeRateWindow { get; }

    /// <summary>
    /// Gets the charge of a user's prompt windows in one single-row insert-or-update: the hourly window started at
    /// <c>@hour</c> and the daily window started at <c>@day</c>, each left as it is when its parameter is NULL. A window
    /// whose stored start differs begins again at 1.
    /// </summary>
    public string ChargePromptWindows { get; }

    public string PurgeExpiredHolds { get; }

    public string InsertReservation { get; }

    public string SelectReservation { get; }

    public string MarkReservationCommitted { get; }

    public string ReleaseReservation { get; }

    public string PurgeCommittedReservations { get; }

    /// <summary>Up to @limit users with holds expired at @now, for the background sweep.</summary>
    public string SelectUsersWithExpiredHolds { get; }

    /// <summary>A profile with an id keeps it (<see cref="InsertProfileWithId"/>); a new one takes the next identity.</summary>
    public override string InsertProfileFor(ConsumptionProfile profile) => profile.Id > 0 ? InsertProfileWithId : InsertProfile;

    /// <summary>The profile's parameters with the rate limits as <c>integer</c>, the columns' type.</summary>
    public override object ProfileParameters(ConsumptionProfile profile)
    {
        var row = ProfileRow.From(profile);
        return new
        {
            row.Id,
            row.Name,
            row.Description,
            PromptsPerHour = (int)row.PromptsPerHour,
            PromptsPerDay = (int)row.PromptsPerDay,
            ConfigChangesPerHour = (int)row.ConfigChangesPerHour,
            row.InputTokensPerMonth,
            row.OutputTokensPerMonth,
            row.IsDefault,
            row.IsActive,
            row.CreatedAt,
            row.UpdatedAt,
        };
    }

    /// <summary>The migration script with the schema and time filled in.</summary>
    public string Migration(string template, long nowMs) =>
        S(template.Replace("{schema}", "{s}", StringComparison.Ordinal)).Replace("{now}", nowMs.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    public override string UsageOrderBy(UsageSortOrder order) => order switch
    {
        UsageSortOrder.InputTokens => "input_tokens_used DESC, user_id COLLATE \"C\"",
        UsageSortOrder.OutputTokens => "output_tokens_used DESC, user_id COLLATE \"C\"",
        UsageSortOrder.TotalTokens => "total_tokens_used DESC, user_id COLLATE \"C\"",
        _ => "user_id COLLATE \"C\"",
    };

    private string S(string sql) => sql.Replace("{s}", schema, StringComparison.Ordinal);
}
