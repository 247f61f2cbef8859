using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using TokenQuota.Stores.Tests;

namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// Base class of the SQLite-specific tests: the store contract suite's base on <see cref="SqliteBackend"/> (a unique
/// temporary folder per test holding a real database file, a FakeTimeProvider, the raw SQL helpers), plus direct
/// access to the file and the SQLite store options.
/// </summary>
public abstract class SqliteTestDatabase : StoreContractTest<SqliteBackend>
{
    protected string Folder => Backend.Folder;

    protected string DbPath => Backend.DbPath;

    protected string ConnectionString => $"Data Source={DbPath}";

    /// <summary>Builds services on <see cref="DbPath"/> (or another connection string); disposed in teardown unless disposed earlier.</summary>
    protected ServiceProvider BuildServices(
        Action<TokenQuotaOptions>? configure = null,
        string? connectionString = null,
        Action<SqliteQuotaStoreOptions>? store = null,
        Action<IServiceCollection>? services = null) =>
        BuildServices(configure, services, builder => builder.UseSqlite(connectionString ?? ConnectionString, store));

    /// <summary>Opens a fresh, unpooled raw connection on the database file.</summary>
    protected SqliteConnection OpenRaw() => (SqliteConnection)Backend.OpenRaw();

    /// <summary>Awaits a call and returns the exception it ended with, or <see langword="null"/> when it succeeded.</summary>
    protected static async Task<Exception?> Capture<T>(ValueTask<T> call)
    {
        try
        {
            await call;
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <inheritdoc cref="Capture{T}(ValueTask{T})"/>
    protected static Task<Exception?> Capture<T>(Task<T> call) => Capture(new ValueTask<T>(call));
}
