using Microsoft.Data.Sqlite;

namespace TokenQuota.Benchmarks;

/// <summary>
/// The yardstick: raw ADO.NET on the same file and table, one long-lived connection with the store's pragmas and
/// prepared commands. <see cref="Upsert"/> is one autocommit transaction per call, <see cref="Select"/> reads one row by
/// its unique key, <see cref="UpsertBatch"/> runs 1,000 upserts in one transaction.
/// </summary>
internal sealed class RawBaselines : IDisposable
{
    public const int BatchSize = 1_000;

    private readonly SqliteConnection connection;
    private readonly SqliteCommand upsert;
    private readonly SqliteParameter upsertUser;
    private readonly SqliteCommand select;
    private readonly SqliteParameter selectUser;
    private readonly SqliteCommand begin;
    private readonly SqliteCommand commit;
    private readonly string period = QuotaPeriod.Current(TimeProvider.System).Key;

    public RawBaselines(BenchDatabase db)
    {
        connection = db.OpenRaw();
        upsert = connection.CreateCommand();
        upsert.CommandText = """
            INSERT INTO user_token_usage (user_id, period, input_tokens_used, output_tokens_used, total_tokens_used, first_usage_at, last_usage_at)
            VALUES ($u, $p, 1, 1, 2, $now, $now)
            ON CONFLICT (user_id, period) DO UPDATE SET
                input_tokens_used = input_tokens_used + excluded.input_tokens_used,
                output_tokens_used = output_tokens_used + excluded.output_tokens_used,
                total_tokens_used = total_tokens_used + excluded.total_tokens_used,
                last_usage_at = excluded.last_usage_at;
            """;
        upsertUser = upsert.Parameters.Add("$u", SqliteType.Text);
        upsert.Parameters.AddWithValue("$p", period);
        upsert.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        upsert.Prepare();

        select = connection.CreateCommand();
        select.CommandText = "SELECT input_tokens_used, output_tokens_used FROM user_token_usage WHERE user_id = $u AND period = $p;";
        selectUser = select.Parameters.Add("$u", SqliteType.Text);
        select.Parameters.AddWithValue("$p", period);
        select.Prepare();

        begin = connection.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE;";
        begin.Prepare();
        commit = connection.CreateCommand();
        commit.CommandText = "COMMIT;";
        commit.Prepare();
    }

    public void Upsert(string userId)
    {
        upsertUser.Value = userId;
        upsert.ExecuteNonQuery();
    }

    public long Select(string userId)
    {
        selectUser.Value = userId;
        using var reader = select.ExecuteReader();
        return reader.Read() ? reader.GetInt64(0) + reader.GetInt64(1) : 0;
    }

    /// <summary>Runs <see cref="BatchSize"/> upserts in one transaction, over <paramref name="users"/>.</summary>
    public void UpsertBatch(string[] users, ref int next)
    {
        begin.ExecuteNonQuery();
        for (var i = 0; i < BatchSize; i++)
        {
            upsertUser.Value = users[next++ % users.Length];
            upsert.ExecuteNonQuery();
        }

        commit.ExecuteNonQuery();
    }

    public void Dispose()
    {
        upsert.Dispose();
        select.Dispose();
        begin.Dispose();
        commit.Dispose();
        connection.Dispose();
    }
}
