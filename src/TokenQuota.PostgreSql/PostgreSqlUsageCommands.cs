using Npgsql;
using NpgsqlTypes;
using TokenQuota.Storage;

namespace TokenQuota.PostgreSql;

/// <summary>
/// The hot path's statements (the usage read, the insert-or-add, the batched insert-or-add) run straight on Npgsql with
/// positional parameters and columns read by ordinal: no Dapper mapping and no per-call SQL rewriting. The data source
/// auto-prepares them (<c>Max Auto Prepare</c>), so after a few uses each is a server-side prepared statement on every
/// pooled connection.
/// </summary>
internal sealed class PostgreSqlUsageCommands(string schema)
{
    private const int SelectUsageColumns = 5;

    /// <summary>Refuses an addition that would overflow a stored total: the row is left as it was and not returned.</summary>
    private const string OverflowGuard = """

        WHERE u.input_tokens_used <= 9223372036854775807 - excluded.input_tokens_used
          AND u.output_tokens_used <= 9223372036854775807 - excluded.output_tokens_used
          AND u.total_tokens_used <= 9223372036854775807 - excluded.total_tokens_used
        """;

    /// <summary>The usage read of <c>CheckAsync</c>, with the configuration version from the same snapshot (one round trip per check).</summary>
    private readonly string selectUsage = $"""
        SELECT
            COALESCE(u.input_tokens_used, 0),
            COALESCE(u.output_tokens_used, 0),
            (COALESCE(t.input_tokens, 0) - COALESCE(x.expired_input, 0))::bigint,
            (COALESCE(t.output_tokens, 0) - COALESCE(x.expired_output, 0))::bigint,
            (SELECT value FROM {schema}.tokenquota_state WHERE key = 'config_version')
        FROM (SELECT SUM(input_tokens) AS expired_input, SUM(output_tokens) AS expired_output
              FROM {schema}.tokenquota_reservations
              WHERE user_id = $1 AND state = 'held' AND expires_at <= $3 AND period = $2) AS x
        LEFT JOIN {schema}.tokenquota_reserved_totals AS t ON t.user_id = $1 AND t.period = $2
        LEFT JOIN {schema}.user_token_usage AS u ON u.user_id = $1 AND u.period = $2;
        """;

    /// <summary>The insert-or-add of one usage row, with its overflow guard (no row changed: nothing written).</summary>
    private readonly string addUsage = AddUsageFrom(schema, "VALUES ($1, $2, $3, $4, $3 + $4, $5, $5)") + OverflowGuard + ";";

    /// <summary>
    /// The insert-or-add of many distinct (user, period) rows in one statement; a row the overflow guard refused is
    /// not returned (and not written). Each (user, period) may appear once only: the writer sums duplicates first.
    /// </summary>
    private readonly string addUsageBatch = AddUsageFrom(schema, """
        SELECT b.user_id, b.period, b.input, b.output, b.input + b.output, b.now, b.now
        FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[]) AS b(user_id, period, input, output, now)
        """) + OverflowGuard + "\nRETURNING u.user_id, u.period;";

    public async Task<TokenUsageTotals> ReadUsageAsync(NpgsqlConnection connection, string userId, string periodKey, long nowMs, CancellationToken cancellationToken)
    {
        await using var command = CreateSelectUsage(connection);
        return await RunSelectUsageAsync(command, userId, periodKey, nowMs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the check's usage read with its three parameters (user, period, now), to prepare and keep.</summary>
    public NpgsqlCommand CreateSelectUsage(NpgsqlConnection connection)
    {
        var command = new NpgsqlCommand(selectUsage, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = string.Empty });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = string.Empty });
        command.Parameters.Add(new NpgsqlParameter<long>());
        return command;
    }

    /// <summary>Runs a command made by <see cref="CreateSelectUsage(NpgsqlConnection)"/>.</summary>
    public static async Task<TokenUsageTotals> RunSelectUsageAsync(NpgsqlCommand command, string userId, string periodKey, long nowMs, CancellationToken cancellationToken)
    {
        ((NpgsqlParameter<string>)command.Parameters[0]).TypedValue = userId;
        ((NpgsqlParameter<string>)command.Parameters[1]).TypedValue = periodKey;
        ((NpgsqlParameter<long>)command.Parameters[2]).TypedValue = nowMs;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return ReadTotals(reader);
    }

    /// <summary>The usage read as one command of a batch (user, period, now).</summary>
    public NpgsqlBatchCommand CreateSelectUsage(string userId, string periodKey, long nowMs) =>
        new(selectUsage)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = userId },
                new NpgsqlParameter<string> { TypedValue = periodKey },
                new NpgsqlParameter<long> { TypedValue = nowMs },
            },
        };

    /// <summary>Reads the totals of the batch command made by <see cref="CreateSelectUsage(string, string, long)"/>, skipping the results before it.</summary>
    public static async Task<TokenUsageTotals> ReadSelectUsageAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        while (reader.FieldCount != SelectUsageColumns && await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
        }

        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return ReadTotals(reader);
    }

    /// <summary>The insert-or-add as one command of a batch (user, period, input, output, now); one row affected when written.</summary>
    public NpgsqlBatchCommand CreateAddUsage(string userId, string periodKey, long input, long output, long nowMs) =>
        new(addUsage)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = userId },
                new NpgsqlParameter<string> { TypedValue = periodKey },
                new NpgsqlParameter<long> { TypedValue = input },
                new NpgsqlParameter<long> { TypedValue = output },
                new NpgsqlParameter<long> { TypedValue = nowMs },
            },
        };

    private static TokenUsageTotals ReadTotals(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetInt64(1))
        {
            ReservedInputTokens = reader.GetInt64(2),
            ReservedOutputTokens = reader.GetInt64(3),
            ConfigurationVersion = reader.GetInt64(4),
        };

    /// <summary>Creates the insert-or-add command with its five parameters (user, period, input, output, now), to prepare and keep.</summary>
    public NpgsqlCommand CreateAddUsage(NpgsqlConnection connection)
    {
        var command = new NpgsqlCommand(addUsage, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = string.Empty });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = string.Empty });
        command.Parameters.Add(new NpgsqlParameter<long>());
        command.Parameters.Add(new NpgsqlParameter<long>());
        command.Parameters.Add(new NpgsqlParameter<long>());
        return command;
    }

    /// <summary>Runs a command made by <see cref="CreateAddUsage(NpgsqlConnection)"/>; <see langword="false"/> when the overflow guard refused it (no row changed).</summary>
    public static async Task<bool> RunAddUsageAsync(NpgsqlCommand command, string userId, string periodKey, long input, long output, long nowMs, CancellationToken cancellationToken)
    {
        ((NpgsqlParameter<string>)command.Parameters[0]).TypedValue = userId;
        ((NpgsqlParameter<string>)command.Parameters[1]).TypedValue = periodKey;
        ((NpgsqlParameter<long>)command.Parameters[2]).TypedValue = input;
        ((NpgsqlParameter<long>)command.Parameters[3]).TypedValue = output;
        ((NpgsqlParameter<long>)command.Parameters[4]).TypedValue = nowMs;
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Creates the batched insert-or-add command with its five array parameters, to prepare and keep.</summary>
    public NpgsqlCommand CreateAddUsageBatch(NpgsqlConnection connection)
    {
        var command = new NpgsqlCommand(addUsageBatch, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        return command;
    }

    /// <summary>
    /// Runs a command made by <see cref="CreateAddUsageBatch"/>: every row in one statement (autocommit, so it commits
    /// on its own); returns the (user, period) keys of the rows written.
    /// </summary>
    public static async Task<HashSet<(string UserId, string Period)>> RunAddUsageBatchAsync(
        NpgsqlCommand command, string[] users, string[] periods, long[] inputs, long[] outputs, long[] nows)
    {
        ((NpgsqlParameter<string[]>)command.Parameters[0]).TypedValue = users;
        ((NpgsqlParameter<string[]>)command.Parameters[1]).TypedValue = periods;
        ((NpgsqlParameter<long[]>)command.Parameters[2]).TypedValue = inputs;
        ((NpgsqlParameter<long[]>)command.Parameters[3]).TypedValue = outputs;
        ((NpgsqlParameter<long[]>)command.Parameters[4]).TypedValue = nows;
        var written = new HashSet<(string UserId, string Period)>(users.Length);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            written.Add((reader.GetString(0), reader.GetString(1)));
        }

        return written;
    }

    /// <summary>
    /// The insert-or-add of usage rows given by <paramref name="rows"/> (a <c>VALUES</c> list or a <c>SELECT</c> of user,
    /// period, input, output, total, first and last use): an existing (user, period) row has the amounts added.
    /// </summary>
    public static string AddUsageFrom(string schema, string rows) => $"""
        INSERT INTO {schema}.user_token_usage AS u
            (user_id, period, input_tokens_used, output_tokens_used, total_tokens_used, first_usage_at, last_usage_at)
        {rows}
        ON CONFLICT (user_id, period) DO UPDATE SET
            input_tokens_used  = u.input_tokens_used + excluded.input_tokens_used,
            output_tokens_used = u.output_tokens_used + excluded.output_tokens_used,
            total_tokens_used  = u.total_tokens_used + excluded.total_tokens_used,
            last_usage_at      = excluded.last_usage_at
        """;
}
