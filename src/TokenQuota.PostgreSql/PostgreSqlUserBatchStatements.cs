namespace TokenQuota.PostgreSql;

/// <summary>
/// The set-based statements of <see cref="PostgreSqlUserBatchWriter"/>: each reads or writes the rows of every request of
/// a batch at once (arrays unnested), so a batch's statements and round trips do not grow with its size. Positional
/// parameters; the data source auto-prepares them.
/// </summary>
internal sealed class PostgreSqlUserBatchStatements(string schema)
{
    /// <summary>
    /// Takes the advisory locks of the batch's users ($1), in the order of their lock keys, so two batches (of any
    /// processes) never wait for each other's locks in a cycle; the key is the one <c>LockUser</c> takes, so a batch
    /// and a single-user transaction exclude each other. Also reads the configuration version, and sets two planner
    /// settings for the rest of the transaction: generic plans always (the arrays' lengths vary from batch to batch, so
    /// the planner would otherwise plan the reads anew at every execution), and no sequential scans (every statement
    /// of a batch finds its rows by key, and a plan cached while a table was small must not stay a sequential scan as
    /// the table grows).
    /// </summary>
    public string LockUsersAndReadVersion { get; } = $"""
        SELECT (SELECT count(pg_advisory_xact_lock({PostgreSqlStatements.UserLockClass}, k))
                FROM (SELECT DISTINCT hashtext(u) AS k FROM unnest($1::text[]) AS u ORDER BY k) AS sorted)::integer,
               set_config('plan_cache_mode', 'force_generic_plan', true),
               set_config('enable_seqscan', 'off', true),
               (SELECT value FROM {schema}.tokenquota_state WHERE key = 'config_version');
        """;

    /// <summary>
    /// Forgets the holds of the users of $1 expired at $3 and takes them back from the reserved totals, then reads the
    /// usage and reserved totals of each (user $1, period $2), zero when there is no row, with the number of the user's
    /// holds forgotten. The reads see the statement's snapshot, from before its own writes, so the totals read are
    /// less the holds forgotten.
    /// </summary>
    public string PurgeExpiredHoldsAndSelectTotals { get; } = $"""
        WITH expired AS (
            DELETE FROM {schema}.tokenquota_reservations
            WHERE user_id = ANY($1::text[]) AND state = 'held' AND expires_at <= $3
            RETURNING user_id, period, input_tokens, output_tokens),
        sums AS (
            SELECT user_id, period, SUM(input_tokens)::bigint AS input, SUM(output_tokens)::bigint AS output, COUNT(*) AS holds
            FROM expired GROUP BY user_id, period),
        taken_back AS (
            UPDATE {schema}.tokenquota_reserved_totals AS t SET input_tokens = t.input_tokens - sums.input, output_tokens = t.output_tokens - sums.output
            FROM sums WHERE t.user_id = sums.user_id AND t.period = sums.period)
        SELECT k.user_id, k.period,
               COALESCE(u.input_tokens_used, 0), COALESCE(u.output_tokens_used, 0),
               COALESCE(t.input_tokens, 0) - COALESCE(s.input, 0), COALESCE(t.output_tokens, 0) - COALESCE(s.output, 0),
               COALESCE((SELECT SUM(holds) FROM sums WHERE sums.user_id = k.user_id), 0)::integer
        FROM unnest($1::text[], $2::text[]) AS k(user_id, period)
        LEFT JOIN sums AS s ON s.user_id = k.user_id AND s.period = k.period
        LEFT JOIN {schema}.tokenquota_reserved_totals AS t ON t.user_id = k.user_id AND t.period = k.period
        LEFT JOIN {schema}.user_token_usage AS u ON u.user_id = k.user_id AND u.period = k.period;
        """;

    /// <summary>Every rate window of the users ($1), as rows of the view.</summary>
    public string SelectRateWindows { get; } = $"""
        SELECT user_id, window_key, window_start, request_count FROM {schema}.tokenquota_rate_windows WHERE user_id = ANY($1::text[]);
        """;

    /// <summary>The stored reservations of the request ids ($1), locked against a concurrent release until the batch commits.</summary>
    public string SelectReservations { get; } = $"""
        SELECT request_id, user_id, period, state, expires_at, input_tokens, output_tokens
        FROM {schema}.tokenquota_reservations WHERE request_id = ANY($1::text[]) FOR UPDATE;
        """;

    /// <summary>
    /// Writes every effect of a batch in one statement, one data-modifying CTE per kind (an empty array writes nothing):
    /// the admitted holds ($1–$7: request id, user, period, input, output, created, expires); the commit marks ($8–$13:
    /// request id, user, period, input, output, now), inserting unknown reservations; signed changes to reserved totals
    /// ($14–$17: user, period, input, output); committed usage ($18–$22: user, period, input, output, now); the users'
    /// prompt windows as judged ($23–$27: user, hour start, hour count, day start, day count); the other windows as
    /// judged ($28–$31: user, key, start, count), the main statement, so that it returns no row set. Each row appears
    /// once per kind (the batch aggregates), in one order for every writer.
    /// </summary>
    /// <remarks>
    /// A request id stored before the batch, or held and committed within it, makes the inserts collide; committed usage
    /// has no overflow guard, so an overflow raises an error. Either fails the statement and so the batch, whose
    /// requests then run alone, where only the one at fault is refused.
    /// </remarks>
    public string WriteEffects { get; } = $"""
        WITH holds AS (
            INSERT INTO {schema}.tokenquota_reservations (request_id, user_id, period, input_tokens, output_tokens, state, created_at, expires_at)
            SELECT h.request_id, h.user_id, h.period, h.input, h.output, 'held', h.created_at, h.expires_at
            FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[])
                AS h(request_id, user_id, period, input, output, created_at, expires_at)),
        marks AS (
            INSERT INTO {schema}.tokenquota_reservations AS r (request_id, user_id, period, input_tokens, output_tokens, state, created_at, expires_at, committed_at)
            SELECT m.request_id, m.user_id, m.period, m.input, m.output, 'committed', m.now, m.now, m.now
            FROM unnest($8::text[], $9::text[], $10::text[], $11::bigint[], $12::bigint[], $13::bigint[]) AS m(request_id, user_id, period, input, output, now)
            ON CONFLICT (request_id) DO UPDATE SET
                input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, state = 'committed', committed_at = excluded.committed_at),
        reserved AS (
            INSERT INTO {schema}.tokenquota_reserved_totals AS t (user_id, period, input_tokens, output_tokens)
            SELECT * FROM unnest($14::text[], $15::text[], $16::bigint[], $17::bigint[])
            ON CONFLICT (user_id, period) DO UPDATE SET
                input_tokens = t.input_tokens + excluded.input_tokens, output_tokens = t.output_tokens + excluded.output_tokens),
        usage AS (
            {PostgreSqlUsageCommands.AddUsageFrom(schema, """
                SELECT b.user_id, b.period, b.input, b.output, b.input + b.output, b.now, b.now
                FROM unnest($18::text[], $19::text[], $20::bigint[], $21::bigint[], $22::bigint[]) AS b(user_id, period, input, output, now)
                """)}),
        prompt_windows AS (
            INSERT INTO {schema}.tokenquota_prompt_windows AS w (user_id, hour_start, hour_count, day_start, day_count)
            SELECT * FROM unnest($23::text[], $24::bigint[], $25::integer[], $26::bigint[], $27::integer[])
            ON CONFLICT (user_id) DO UPDATE SET
                hour_start = excluded.hour_start, hour_count = excluded.hour_count, day_start = excluded.day_start, day_count = excluded.day_count)
        INSERT INTO {schema}.tokenquota_keyed_rate_windows AS w (user_id, window_key, window_start, request_count)
        SELECT * FROM unnest($28::text[], $29::text[], $30::bigint[], $31::integer[])
        ON CONFLICT (user_id, window_key) DO UPDATE SET window_start = excluded.window_start, request_count = excluded.request_count;
        """;
}
