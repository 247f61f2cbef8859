using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TokenQuota.PostgreSql;
using TokenQuota.Storage;

namespace TokenQuota.Benchmarks;

/// <summary>
/// A throwaway schema on the PostgreSQL server named by <c>TOKENQUOTA_POSTGRES_CONNECTION</c>, with TokenQuota's tables,
/// the same "Bench" profile as <see cref="BenchDatabase"/> (finite token limits, rate limits that never refuse), seeded
/// usage history, and the services built on it. The schema is dropped on dispose.
/// </summary>
internal sealed class PgBenchDatabase : IAsyncDisposable
{
    private PgBenchDatabase(string connectionString, string schema, ServiceProvider provider)
    {
        ConnectionString = connectionString;
        Schema = schema;
        Provider = provider;
        Checker = provider.GetRequiredService<ITokenQuotaChecker>();
        Store = provider.GetRequiredService<IQuotaStore>();
    }

    public string ConnectionString { get; }

    public string Schema { get; }

    public ServiceProvider Provider { get; }

    public ITokenQuotaChecker Checker { get; }

    public IQuotaStore Store { get; }

    public static async Task<PgBenchDatabase> CreateAsync(string connectionString, int users, int months)
    {
        var schema = "tqbench_" + Guid.NewGuid().ToString("N")[..12];
        var services = new ServiceCollection();
        services.AddTokenQuotas(o => o.MaxCachedAssignments = Math.Max(100_000, users)).UsePostgreSql(connectionString, o => o.Schema = schema);
        var db = new PgBenchDatabase(connectionString, schema, services.BuildServiceProvider());
        await db.Store.MigrateAsync();
        await db.Provider.GetRequiredService<IConsumptionProfileManager>().CreateAsync(new NewConsumptionProfile
        {
            Name = "Bench",
            PromptsPerHour = 1_000_000_000,
            PromptsPerDay = 1_000_000_000,
            InputTokensPerMonth = 1_000_000_000_000_000,
            OutputTokensPerMonth = 1_000_000_000_000_000,
            IsDefault = true,
        });
        await db.SeedAsync(users, months);
        return db;
    }

    /// <summary>Opens a raw connection (no auto-prepare: the raw baseline prepares explicitly).</summary>
    public async Task<NpgsqlConnection> OpenRawAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        await using var connection = await OpenRawAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE;", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private async Task SeedAsync(int users, int months)
    {
        var current = QuotaPeriod.Current(TimeProvider.System);
        var index = (current.Year * 12) + current.Month - 1;
        var periods = Enumerable.Range(0, months).Select(m => new QuotaPeriod((index - m) / 12, ((index - m) % 12) + 1).Key).ToArray();
        await using var connection = await OpenRawAsync();
        await using var insert = new NpgsqlCommand(
            $"""
            INSERT INTO {Schema}.user_token_usage (user_id, period, input_tokens_used, output_tokens_used, total_tokens_used, first_usage_at, last_usage_at)
            SELECT 'user-' || lpad(u::text, 7, '0'), p, 100, 50, 150, $2, $2
            FROM unnest($3::text[]) AS p, generate_series(0, $1 - 1) AS u
            ORDER BY p, u;
            """,
            connection);
        insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = users });
        insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = periods });
        await insert.ExecuteNonQueryAsync();
        await using var analyze = new NpgsqlCommand($"ANALYZE {Schema}.user_token_usage;", connection);
        await analyze.ExecuteNonQueryAsync();
    }
}
