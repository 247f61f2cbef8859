using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TokenQuota.Stores.Tests;

namespace TokenQuota.PostgreSql.Tests;

/// <summary>
/// Base of the PostgreSQL-specific tests: the store contract suite's base on <see cref="PostgresBackend"/> (a fresh
/// schema per test on the configured server, dropped afterwards; a FakeTimeProvider; the raw SQL helpers), plus the
/// server's connection string and async Dapper helpers.
/// </summary>
public abstract class PostgresTestDatabase : StoreContractTest<PostgresBackend>
{
    protected static string ServerConnectionString => PostgresServer.RequireConnectionString();

    protected string Schema => Backend.Schema;

    /// <summary>Builds services on the test's schema, optionally with another clock; disposed in teardown.</summary>
    protected ServiceProvider BuildServices(Action<TokenQuotaOptions>? configure = null, TimeProvider? clock = null) =>
        BuildServices(configure, clock is null ? null : s => s.AddSingleton(clock), builder => Backend.Use(builder));

    protected async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = (NpgsqlConnection)Backend.OpenRaw();
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? default!;
    }
}
