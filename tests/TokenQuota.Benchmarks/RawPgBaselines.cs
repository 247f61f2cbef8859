using Npgsql;

namespace TokenQuota.Benchmarks;

/// <summary>
/// The PostgreSQL yardstick: raw Npgsql on the same server, schema and table as the store, one long-lived connection
/// with explicitly prepared statements. <see cref="UpsertAsync"/> is one autocommit upsert of a usage row per call;
/// <see cref="SelectAsync"/> reads one row by its unique key.
/// </summary>
internal sealed class RawPgBaselines : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly NpgsqlCommand upsert;
    private readonly NpgsqlParameter<string> upsertUser;
    private readonly NpgsqlCommand select;
    private readonly NpgsqlParameter<string> selectUser;

    private RawPgBaselines(NpgsqlConnection connection, string schema)
    {
        this.connection = connection;
        var period = QuotaPeriod.Current(TimeProvider.System).Key;
        upsert = new NpgsqlCommand(
            $"""
            INSERT INTO {schema}.user_token_usage AS u (user_id, period, input_tokens_used, output_tokens_used, total_tokens_used, first_usage_at, last_usage_at)
            VALUES ($1, $2, 1, 1, 2, $3, $3)
            ON CONFLICT (user_id, period) DO UPDATE SET
                input_tokens_used = u.input_tokens_used + excluded.input_tokens_used,
                output_tokens_used = u.output_tokens_used + excluded.output_tokens_used,
                total_tokens_used = u.total_tokens_used + excluded.total_tokens_used,
                last_usage_at = excluded.last_usage_at;
            """,
            connection);
        upsertUser = new NpgsqlParameter<string> { TypedValue = string.Empty };
        upsert.Parameters.Add(upsertUser);
        upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = period });
        upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });

        select = new NpgsqlCommand($"SELECT input_tokens_used, output_tokens_used FROM {schema}.user_token_usage WHERE user_id = $1 AND period = $2;", connection);
        selectUser = new NpgsqlParameter<string> { TypedValue = string.Empty };
        select.Parameters.Add(selectUser);
        select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = period });
    }

    public static async Task<RawPgBaselines> CreateAsync(PgBenchDatabase db)
    {
        var baselines = new RawPgBaselines(await db.OpenRawAsync(), db.Schema);
        await baselines.upsert.PrepareAsync();
        await baselines.select.PrepareAsync();
        return baselines;
    }

    public async ValueTask UpsertAsync(string userId)
    {
        upsertUser.TypedValue = userId;
        await upsert.ExecuteNonQueryAsync();
    }

    public async ValueTask SelectAsync(string userId)
    {
        selectUser.TypedValue = userId;
        await using var reader = await select.ExecuteReaderAsync();
        if (await reader.ReadAsync())
        {
            _ = reader.GetInt64(0) + reader.GetInt64(1);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await upsert.DisposeAsync();
        await select.DisposeAsync();
        await connection.DisposeAsync();
    }
}
