using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace TokenQuota.PostgreSql.Tests;

/// <summary>
/// Base of the PostgreSQL tests: a fresh schema per test on the shared server (dropped afterwards), services built on
/// it with a <see cref="FakeTimeProvider"/>, and raw SQL helpers.
/// </summary>
public abstract class PostgresTestDatabase
{
    protected static readonly DateTimeOffset Start = new(2025, 12, 5, 10, 0, 0, TimeSpan.Zero);

    private readonly List<ServiceProvider> providers = [];

    protected string ServerConnectionString { get; private set; } = null!;

    protected string Schema { get; private set; } = null!;

    protected FakeTimeProvider Clock { get; private set; } = null!;

    [SetUp]
    public void CreateSchemaName()
    {
        ServerConnectionString = PostgresServer.RequireConnectionString();
        Schema = "tq_" + Guid.NewGuid().ToString("N")[..12];
        Clock = new FakeTimeProvider(Start);
    }

    [TearDown]
    public async Task DropSchema()
    {
        foreach (var provider in providers)
        {
            await provider.DisposeAsync();
        }

        providers.Clear();
        if (Schema is not null && ServerConnectionString is not null)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ServerConnectionString);
                await connection.OpenAsync();
                await connection.ExecuteAsync($"DROP SCHEMA IF EXISTS {Schema} CASCADE;");
            }
            catch (NpgsqlException)
            {
                // The server may be down after a failure test that could not restart it; the cluster is thrown away.
            }
        }
    }

    protected ServiceProvider BuildServices(Action<TokenQuotaOptions>? configure = null, TimeProvider? clock = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(clock ?? Clock);
        services.AddTokenQuotas(configure).UsePostgreSql(ServerConnectionString, o => o.Schema = Schema);
        var provider = services.BuildServiceProvider();
        providers.Add(provider);
        return provider;
    }

    protected async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(ServerConnectionString + $";Search Path={Schema}");
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? default!;
    }

    protected async Task<List<string>> SnapshotAsync()
    {
        await using var connection = new NpgsqlConnection(ServerConnectionString + $";Search Path={Schema}");
        var tables = (await connection.QueryAsync<string>(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = @Schema ORDER BY table_name;", new { Schema })).ToList();
        var rows = new List<string>();
        foreach (var table in tables)
        {
            var lines = (await connection.QueryAsync<string>($"SELECT t::text FROM {table} t;")).Order(StringComparer.Ordinal);
            rows.AddRange(lines.Select(l => table + ": " + l));
        }

        return rows;
    }
}
