using TokenQuota.Relational;
using TokenQuota.Storage;

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

    /// <summary>The schema version, or 0 in a database without TokenQuota's schema (read without migrating).</summary>
    public const string SelectSchemaVersionIfAny = """
        SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tokenquota_schema_version')
                    THEN (SELECT COALESCE(MAX(version), 0) FROM tokenquota_schema_version) ELSE 0 END;
        """;

    /// <summary>1 when the file holds the seed's tables but no TokenQuota schema (read before anything is written).</summary>
    public const string SelectIsSeedDatabase = """
        SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name IN ('consumption_profiles', 'user_token_usage'))
           AND NOT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tokenquota_schema_version');
        """;

    public const string InsertSchemaVersion = "INSERT INTO tokenquota_schema_version (version, description, applied_at) VALUES (@version, @description, @now);";

    public const string SelectConfigVersion = "SELECT value FROM tokenquota_state WHERE key = 'config_version';";

    public const string IncrementConfigVersion = "UPDATE tokenquota_state SET value = value + 1 WHERE key = 'config_version';";

    /// <summary>The run-time rate-limit settings, each NULL until first stored.</summary>
    public const string SelectRateLimitSettings = $"""
        SELECT (SELECT value FROM tokenquota_state WHERE key = '{RateLimitSettingsRow.EnabledKey}') AS Enabled,
               (SELECT value FROM tokenquota_state WHERE key = '{RateLimitSettingsRow.GlobalOverrideKey}') AS GlobalOverride;
        """;

    public const string UpsertRateLimitSettings = $"""
        INSERT INTO tokenquota_state (key, value)
        VALUES ('{RateLimitSettingsRow.EnabledKey}', @enabled), ('{RateLimitSettingsRow.GlobalOverrideKey}', @globalOverride)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value;
        """;

    private const string ProfileColumns = """
        p.id AS Id, p.name AS Name, p.description AS Description, p.prompts_per_hour AS PromptsPerHour,
        p.prompts_per_day AS PromptsPerDay, p.config_changes_per_hour AS ConfigChangesPerHour,
        p.input_tokens_per_month AS InputTokensPerMonth, p.output_tokens_per_month AS OutputTokensPerMonth,
        COALESCE(x.time_zone, 'UTC') AS TimeZone, COALESCE(x.anchor_day, 1) AS AnchorDay, COALESCE(x.week_start, 1) AS WeekStart, COALESCE(x.limits, '') AS Limits,
        p.is_default AS IsDefault, p.is_active AS IsActive, p.created_at AS CreatedAt, p.updated_at AS UpdatedAt,
        (SELECT COUNT(*) FROM tokenquota_assignments a WHERE a.profile_id = p.id) AS UserCount
        """;

    public const string SelectProfiles = "SELECT " + ProfileColumns + " FROM consumption_profiles p LEFT JOIN tokenquota_profile_limits x ON x.profile_id = p.id;";

    public const string SelectProfile = "SELECT " + ProfileColumns + " FROM consumption_profiles p LEFT JOIN tokenquota_profile_limits x ON x.profile_id = p.id WHERE p.id = @id;";

    public const string InsertProfile = """
        INSERT INTO consumption_profiles
            (id, name, description, prompts_per_hour, prompts_per_day, config_changes_per_hour,
             input_tokens_per_month, output_tokens_per_month, is_default, is_active, created_at, updated_at)
        VALUES
            (NULLIF(@Id, 0), @Name, @Description, @PromptsPerHour, @PromptsPerDay, @ConfigChangesPerHour,
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

    public const string UpsertProfileLimits = """
        INSERT INTO tokenquota_profile_limits (profile_id, time_zone, anchor_day, week_start, limits) VALUES (@id, @timeZone, @anchorDay, @weekStart, @limits)
        ON CONFLICT (profile_id) DO UPDATE SET time_zone = excluded.time_zone, anchor_day = excluded.anchor_day, week_start = excluded.week_start, limits = excluded.limits;
        """;

    public const string SelectLimitCounter = "SELECT window_start, window_end, count, state FROM tokenquota_limit_counters WHERE user_id = @userId AND limit_key = @key;";

    public const string UpsertLimitCounter = """
        INSERT INTO tokenquota_limit_counters (user_id, limit_key, window_start, window_end, count, state)
        VALUES (@UserId, @Key, @WindowStart, @WindowEnd, @Count, @State)
        ON CONFLICT (user_id, limit_key) DO UPDATE SET
            window_start = excluded.window_start, window_end = excluded.window_end, count = excluded.count, state = excluded.state;
        """;

    public const string SelectLiveLimitHolds = """
        SELECT h.holds FROM tokenquota_limit_holds AS h
            JOIN tokenquota_reservations AS r ON r.request_id = h.request_id AND r.state = 'held'
            WHERE h.user_id = @userId AND h.expires_at > @now;
        """;

    public const string PurgeLimitHolds = """
        DELETE FROM tokenquota_limit_holds
            WHERE user_id = @userId
              AND (expires_at <= @now
                   OR NOT EXISTS (SELECT 1 FROM tokenquota_reservations AS r WHERE r.request_id = tokenquota_limit_holds.request_id AND r.state = 'held'));
        """;

    public const string SelectLiveSubjectHolds = """
        SELECT h.holds FROM tokenquota_subject_holds AS h
            JOIN tokenquota_reservations AS r ON r.request_id = h.request_id AND r.state = 'held'
            WHERE h.subject = @subject AND h.expires_at > @now;
        """;

    public const string PurgeSubjectHolds = """
        DELETE FROM tokenquota_subject_holds
            WHERE subject = @subject
              AND (expires_at <= @now
                   OR NOT EXISTS (SELECT 1 FROM tokenquota_reservations AS r WHERE r.request_id = tokenquota_subject_holds.request_id AND r.state = 'held'));
        """;

    public const string InsertSubjectHold = "INSERT INTO tokenquota_subject_holds (subject, request_id, expires_at, holds) VALUES (@subject, @requestId, @expiresAt, @holds) ON CONFLICT (subject, request_id) DO UPDATE SET expires_at = excluded.expires_at, holds = excluded.holds;";

    public const string InsertLimitHolds = "INSERT INTO tokenquota_limit_holds (request_id, user_id, expires_at, holds) VALUES (@requestId, @userId, @expiresAt, @holds) ON CONFLICT (request_id) DO UPDATE SET user_id = excluded.user_id, expires_at = excluded.expires_at, holds = excluded.holds;";

    public const string DeleteProfileLimits = "DELETE FROM tokenquota_profile_limits WHERE profile_id = @id;";

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

    /// <summary>
    /// A user's usage in a period plus the estimates of the live reservations, and the configuration version read in
    /// the same statement (one snapshot), so a check needs one read. The live estimates are the user's running reserved
    /// total less the holds that have expired at @now and are not yet purged (found through the index of held rows by
    /// expiry), so the read costs the same whatever the number of live holds. The last column counts those expired
    /// holds, so a reservation purges them only when there are any.
    /// </summary>
    public const string SelectUsage = """
        SELECT
            COALESCE(u.input_tokens_used, 0) AS input_tokens_used,
            COALESCE(u.output_tokens_used, 0) AS output_tokens_used,
            COALESCE(t.input_tokens, 0) - COALESCE(x.expired_input, 0) AS reserved_input_tokens,
            COALESCE(t.output_tokens, 0) - COALESCE(x.expired_output, 0) AS reserved_output_tokens,
            (SELECT value FROM tokenquota_state WHERE key = 'config_version') AS config_version,
            x.expired_holds
        FROM (SELECT SUM(input_tokens) AS expired_input, SUM(output_tokens) AS expired_output, COUNT(*) AS expired_holds
              FROM tokenquota_reservations
              WHERE user_id = @userId AND period = @period AND state = 'held' AND expires_at <= @now) AS x
        LEFT JOIN tokenquota_reserved_totals AS t ON t.user_id = @userId AND t.period = @period
        LEFT JOIN user_token_usage AS u ON u.user_id = @userId AND u.period = @period;
        """;

    /// <summary>Lazy TTL, first half: takes the user's expired holds back from their periods' reserved totals.</summary>
    public const string TakeBackExpiredHolds = """
        UPDATE tokenquota_reserved_totals AS t SET
            input_tokens = input_tokens - (SELECT SUM(r.input_tokens) FROM tokenquota_reservations AS r
                WHERE r.user_id = @userId AND r.state = 'held' AND r.expires_at <= @now AND r.period = t.period),
            output_tokens = output_tokens - (SELECT SUM(r.output_tokens) FROM tokenquota_reservations AS r
                WHERE r.user_id = @userId AND r.state = 'held' AND r.expires_at <= @now AND r.period = t.period)
        WHERE t.user_id = @userId
          AND EXISTS (SELECT 1 FROM tokenquota_reservations AS r
                      WHERE r.user_id = @userId AND r.state = 'held' AND r.expires_at <= @now AND r.period = t.period);
        """;

    /// <summary>Up to @limit users with holds expired at @now, for the background sweep.</summary>
    public const string SelectUsersWithExpiredHolds = "SELECT DISTINCT user_id FROM tokenquota_reservations WHERE state = 'held' AND expires_at <= @now LIMIT @limit;";

    /// <summary>Lazy TTL, second half: forgets the user's expired holds (after <see cref="TakeBackExpiredHolds"/>).</summary>
    public const string DeleteExpiredHolds = "DELETE FROM tokenquota_reservations WHERE user_id = @userId AND state = 'held' AND expires_at <= @now;";

    /// <summary>Adds a new hold's estimate (?3 input, ?4 output) to the reserved total of its user (?1) and period (?2).</summary>
    public const string AddReserved = """
        INSERT INTO tokenquota_reserved_totals (user_id, period, input_tokens, output_tokens) VALUES (?1, ?2, ?3, ?4)
        ON CONFLICT (user_id, period) DO UPDATE SET
            input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens;
        """;

    /// <summary>Takes a hold's estimate (?3 input, ?4 output) back from the reserved total of its user (?1) and period (?2).</summary>
    public const string TakeBackReserved = """
        UPDATE tokenquota_reserved_totals SET input_tokens = input_tokens - ?3, output_tokens = output_tokens - ?4
        WHERE user_id = ?1 AND period = ?2;
        """;

    /// <summary>Release, first half: takes the held reservation's (?1) estimate back from its user's reserved total.</summary>
    public const string TakeBackHold = """
        UPDATE tokenquota_reserved_totals AS t SET
            input_tokens = t.input_tokens - r.input_tokens, output_tokens = t.output_tokens - r.output_tokens
        FROM (SELECT user_id, period, input_tokens, output_tokens FROM tokenquota_reservations WHERE request_id = ?1 AND state = 'held') AS r
        WHERE t.user_id = r.user_id AND t.period = r.period;
        """;

    /// <summary>Retention: forgets up to @limit committed reservations committed at or before @cutoff, oldest first.</summary>
    public const string PurgeCommittedReservations = """
        DELETE FROM tokenquota_reservations WHERE request_id IN (
            SELECT request_id FROM tokenquota_reservations
            WHERE state = 'committed' AND committed_at <= @cutoff
            ORDER BY committed_at LIMIT @limit);
        """;

    public const string InsertReservation = """
        INSERT INTO tokenquota_reservations (request_id, user_id, period, input_tokens, output_tokens, state, created_at, expires_at)
        VALUES (@requestId, @userId, @period, @input, @output, 'held', @now, @expiresAt)
        ON CONFLICT (request_id) DO NOTHING;
        """;

    public const string SelectReservation = "SELECT user_id, period, state, expires_at, input_tokens, output_tokens FROM tokenquota_reservations WHERE request_id = @requestId;";

    public const string MarkReservationCommitted = """
        INSERT INTO tokenquota_reservations (request_id, user_id, period, input_tokens, output_tokens, state, created_at, expires_at, committed_at)
        VALUES (@requestId, @userId, @period, @input, @output, 'committed', @now, @now, @now)
        ON CONFLICT (request_id) DO UPDATE SET
            input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, state = 'committed', committed_at = excluded.committed_at;
        """;

    /// <summary>Release, second half: forgets the held reservation (?1), after <see cref="TakeBackHold"/>.</summary>
    public const string DeleteHold = "DELETE FROM tokenquota_reservations WHERE request_id = ?1 AND state = 'held';";

    /// <summary>
    /// Adds usage to a row by its rowid (?6), in one statement, if it is still the row of the user (?1) and period (?2)
    /// and no total would overflow (the same guard as <see cref="AddUsage"/>); otherwise no row changes. ?3 input,
    /// ?4 output, ?5 the time.
    /// </summary>
    public const string AddUsageByRowId = """
        UPDATE user_token_usage SET
            input_tokens_used  = input_tokens_used + ?3,
            output_tokens_used = output_tokens_used + ?4,
            total_tokens_used  = total_tokens_used + (?3 + ?4),
            last_usage_at      = ?5
        WHERE id = ?6 AND user_id = ?1 AND period = ?2
          AND input_tokens_used <= 9223372036854775807 - ?3
          AND output_tokens_used <= 9223372036854775807 - ?4
          AND total_tokens_used <= 9223372036854775807 - (?3 + ?4);
        """;

    /// <summary>
    /// Insert-or-add in one statement. The WHERE guard refuses an addition that would overflow a 64-bit total:
    /// then no row changes (<c>sqlite3_changes</c> is 0) and nothing is written. No <c>RETURNING</c>: SQLite runs a
    /// RETURNING clause as a trigger, which makes the statement a multi-write that opens (and frees) a statement
    /// journal inside every group-commit transaction.
    /// </summary>
    public const string AddUsage = AddUsageStatement + ";";

    /// <summary>
    /// <see cref="AddUsage"/> returning the row's rowid (no row when the guard refused), for the writer's first record of
    /// a user in a period: the rowid lets its later records skip the index (<see cref="AddUsageByRowId"/>). Its
    /// <c>RETURNING</c> costs a statement journal inside a batch, once per user and period.
    /// </summary>
    public const string AddUsageReturningRowId = AddUsageStatement + " RETURNING id;";

    /// <summary>Merges a usage row carried over from another installation (see <c>IQuotaAdminSession.MergeUsageAsync</c>); no row changes when it adds nothing.</summary>
    public const string MergeUsage = """
        INSERT INTO user_token_usage
            (user_id, period, input_tokens_used, output_tokens_used, total_tokens_used, first_usage_at, last_usage_at)
        VALUES (@UserId, @Period, @Input, @Output, @Input + @Output, @First, @Last)
        ON CONFLICT (user_id, period) DO UPDATE SET
            input_tokens_used  = MAX(input_tokens_used, excluded.input_tokens_used),
            output_tokens_used = MAX(output_tokens_used, excluded.output_tokens_used),
            total_tokens_used  = MAX(input_tokens_used, excluded.input_tokens_used) + MAX(output_tokens_used, excluded.output_tokens_used),
            first_usage_at     = MIN(first_usage_at, excluded.first_usage_at),
            last_usage_at      = MAX(last_usage_at, excluded.last_usage_at)
        WHERE input_tokens_used < excluded.input_tokens_used OR output_tokens_used < excluded.output_tokens_used
           OR first_usage_at > excluded.first_usage_at OR last_usage_at < excluded.last_usage_at;
        """;

    private const string AddUsageStatement = """
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
        """;

    /// <summary>
    /// Two windows of a user (?1) by key (?2, ?3), from the table of windows by key (every window but the prompt windows):
    /// 0 for the first key, 1 for the second, 3 for the user's other windows (skipped), so no text is read back; and a row 2 carrying the configuration version, read in the same statement.
    /// The user's windows are read by the primary key's prefix (a user has at most three), not by <c>window_key IN (?2, ?3)</c>,
    /// which builds an ephemeral table on every run. Numbered parameters,
    /// because they are bound by position.
    /// </summary>
    public const string SelectTwoRateWindows = """
        SELECT CASE window_key WHEN ?2 THEN 0 WHEN ?3 THEN 1 ELSE 3 END, window_start, request_count
        FROM tokenquota_keyed_rate_windows WHERE user_id = ?1
        UNION ALL
        SELECT 2, value, 0 FROM tokenquota_state WHERE key = 'config_version';
        """;

    /// <summary>
    /// A user's (?1) prompt windows (row 4: hourly start and count, daily start and count) and the configuration version
    /// (row 2), in one statement. Numbered parameters, bound by position.
    /// </summary>
    public const string SelectPromptWindows = """
        SELECT 4, hour_start, hour_count, day_start, day_count FROM tokenquota_prompt_windows WHERE user_id = ?1
        UNION ALL
        SELECT 2, value, 0, 0, 0 FROM tokenquota_state WHERE key = 'config_version';
        """;

    /// <summary>Creates a user's (?1) prompt row, both windows never charged, before the first charge.</summary>
    public const string InsertPromptWindows = """
        INSERT INTO tokenquota_prompt_windows (user_id, hour_start, hour_count, day_start, day_count) VALUES (?1, 0, 0, 0, 0)
        ON CONFLICT (user_id) DO NOTHING;
        """;

    /// <summary>
    /// Charges a user's (?1) prompt windows in one single-row statement: the hourly window started at ?2 and the daily
    /// window started at ?3, each left as it is when its parameter is NULL (not part of the request). A window whose
    /// stored start differs begins again at 1. The right-hand sides read the row as it was before the update.
    /// </summary>
    public const string ChargePromptWindows = """
        UPDATE tokenquota_prompt_windows SET
            hour_count = CASE WHEN ?2 IS NULL THEN hour_count WHEN hour_start = ?2 THEN hour_count + 1 ELSE 1 END,
            hour_start = COALESCE(?2, hour_start),
            day_count  = CASE WHEN ?3 IS NULL THEN day_count WHEN day_start = ?3 THEN day_count + 1 ELSE 1 END,
            day_start  = COALESCE(?3, day_start)
        WHERE user_id = ?1;
        """;

    /// <summary>Charges one window of the table by key (every window but the prompt windows): insert-or-update.</summary>
    public const string ChargeRateWindow = """
        INSERT INTO tokenquota_keyed_rate_windows (user_id, window_key, window_start, request_count)
        VALUES (@userId, @key, @start, 1)
        ON CONFLICT (user_id, window_key) DO UPDATE SET
            request_count = CASE WHEN window_start = excluded.window_start THEN request_count + 1 ELSE 1 END,
            window_start  = excluded.window_start;
        """;

    public const string BeginImmediate = "BEGIN IMMEDIATE;";

    public const string Commit = "COMMIT;";

    public const string Rollback = "ROLLBACK;";

    public const string Savepoint = "SAVEPOINT tokenquota_request;";

    public const string ReleaseSavepoint = "RELEASE tokenquota_request;";

    public const string RollbackToSavepoint = "ROLLBACK TO tokenquota_request;";

    /// <summary>Users with usage or rate-limit history (the view of every window) and no explicit assignment.</summary>
    public const string SelectKnownUnassignedUsers = """
        SELECT user_id FROM user_token_usage
        UNION
        SELECT user_id FROM tokenquota_rate_windows
        EXCEPT
        SELECT user_id FROM tokenquota_assignments;
        """;

    public const string CountAssignments = "SELECT COUNT(*) FROM tokenquota_assignments WHERE profile_id = @profileId;";

    public const string SelectAssignmentsPage = """
        SELECT user_id AS UserId, profile_id AS ProfileId, assigned_at AS AssignedAt FROM tokenquota_assignments
        WHERE profile_id = @profileId ORDER BY user_id LIMIT @limit OFFSET @offset;
        """;

    /// <summary>The WHERE clause of audit queries; each filter applies only when its parameter is set.</summary>
    private const string AuditFilter = """
        WHERE (@from IS NULL OR occurred_at >= @from) AND (@to IS NULL OR occurred_at < @to)
          AND (@actor IS NULL OR actor = @actor) AND (@action IS NULL OR action = @action) AND (@target IS NULL OR target = @target)
        """;

    public const string CountAudit = "SELECT COUNT(*) FROM tokenquota_audit_log " + AuditFilter + ";";

    public const string SelectAuditPage = """
        SELECT id AS Id, occurred_at AS OccurredAt, actor AS Actor, action AS Action, target AS Target, before_json AS Before, after_json AS After
        FROM tokenquota_audit_log
        """ + "\n" + AuditFilter + " ORDER BY occurred_at DESC, id DESC LIMIT @limit OFFSET @offset;";

    private const string UsageColumns = """
        user_id AS UserId, period AS Period, input_tokens_used AS InputTokens, output_tokens_used AS OutputTokens,
        total_tokens_used AS TotalTokens, first_usage_at AS FirstUsageAt, last_usage_at AS LastUsageAt
        """;

    public const string CountUsage = "SELECT COUNT(*) FROM user_token_usage WHERE period = @period;";

    /// <summary>The usage page; {0} is replaced by a fixed ORDER BY chosen from <see cref="UsageOrderBy"/>.</summary>
    public const string SelectUsagePage = "SELECT " + UsageColumns + " FROM user_token_usage WHERE period = @period ORDER BY {0} LIMIT @limit OFFSET @offset;";

    public const string SelectUserHistory = "SELECT " + UsageColumns + " FROM user_token_usage WHERE user_id = @userId ORDER BY period DESC;";

    public const string SelectPeriodTotals = """
        SELECT period AS Period, COUNT(*) AS Users, SUM(input_tokens_used) AS InputTokens,
               SUM(output_tokens_used) AS OutputTokens, SUM(total_tokens_used) AS TotalTokens
        FROM user_token_usage GROUP BY period ORDER BY period DESC;
        """;

    public static string UsageOrderBy(UsageSortOrder order) => order switch
    {
        UsageSortOrder.InputTokens => "input_tokens_used DESC, user_id",
        UsageSortOrder.OutputTokens => "output_tokens_used DESC, user_id",
        UsageSortOrder.TotalTokens => "total_tokens_used DESC, user_id",
        _ => "user_id",
    };
}
