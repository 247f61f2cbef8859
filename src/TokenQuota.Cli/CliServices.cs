using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using TokenQuota.Storage;

namespace TokenQuota.Cli;

/// <summary>
/// The TokenQuota services of one command run, built on the database named by <c>--db</c>: for SQLite either a
/// Microsoft.Data.Sqlite connection string (<c>Data Source=…;…</c>) or a bare file path; for PostgreSQL an Npgsql
/// connection string, with the tables in <c>--schema</c>.
/// </summary>
internal sealed class CliServices : IAsyncDisposable
{
    private readonly ServiceProvider provider;

    private readonly string? schema;

    private CliServices(ServiceProvider provider, StoreProvider store, string connectionString, string dataSource, CliUserDirectory? users, string? schema = null)
    {
        this.provider = provider;
        UserDirectory = users;
        this.schema = schema;
        Provider = store;
        ConnectionString = connectionString;
        DataSource = dataSource;
    }

    /// <summary>Gets the store the command runs against.</summary>
    public StoreProvider Provider { get; }

    /// <summary>Gets the connection string used.</summary>
    public string ConnectionString { get; }

    /// <summary>Gets the database file (or other data source) the connection string names.</summary>
    public string DataSource { get; }

    /// <summary>Gets the host's users read from <c>--users-file</c>/<c>--users-sql</c>, or <see langword="null"/> without them.</summary>
    public CliUserDirectory? UserDirectory { get; }

    public IConsumptionProfileManager Profiles => provider.GetRequiredService<IConsumptionProfileManager>();

    public ITokenQuotaChecker Checker => provider.GetRequiredService<ITokenQuotaChecker>();

    public IUsageReports Reports => provider.GetRequiredService<IUsageReports>();

    public IQuotaStore Store => provider.GetRequiredService<IQuotaStore>();

    /// <summary>Gets the ISO 4217 currency that prices and cost limits are in (<see cref="TokenQuotaOptions.Currency"/>).</summary>
    public string Currency => provider.GetRequiredService<IOptions<TokenQuotaOptions>>().Value.Currency;

    /// <summary>
    /// Builds the services. Unless <paramref name="creating"/> (the <c>migrate</c> command), a database file that does
    /// not exist is a usage error: an operator's typo must not silently create an empty database.
    /// </summary>
    /// <param name="db">The value of <c>--db</c>.</param>
    /// <param name="store">The value of <c>--provider</c>.</param>
    /// <param name="schema">The value of <c>--schema</c> (PostgreSQL only).</param>
    /// <param name="creating">Whether the command may create the database file.</param>
    /// <param name="users">Creates the run's user directory from the provider and connection string, or returns <see langword="null"/>.</param>
    /// <returns>The services; dispose them when done.</returns>
    /// <exception cref="CliUsageException">The value names no usable database.</exception>
    public static CliServices Create(string db, StoreProvider store, string schema, bool creating, Func<StoreProvider, string, CliUserDirectory?>? users = null)
    {
        if (store == StoreProvider.Postgres)
        {
            return CreatePostgres(db, schema, users);
        }

        var connectionString = ToConnectionString(db);
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var dataSource = builder.DataSource;
        if (IsFile(builder))
        {
            var fullPath = Path.GetFullPath(dataSource);
            if (creating)
            {
                var folder = Path.GetDirectoryName(fullPath);
                if (folder is not null && !Directory.Exists(folder))
                {
                    throw new CliUsageException($"The folder of the database '{dataSource}' does not exist: {folder}");
                }
            }
            else if (!File.Exists(fullPath))
            {
                throw new CliUsageException(
                    $"The database '{dataSource}' does not exist. Create it with 'tokenquota migrate --db \"{db}\"', or name another with --db.");
            }
        }

        var services = new ServiceCollection();
        var directory = users?.Invoke(StoreProvider.Sqlite, connectionString);
        UseDirectory(services.AddTokenQuotas().UseSqlite(connectionString), directory);
        return new CliServices(services.BuildServiceProvider(), StoreProvider.Sqlite, connectionString, dataSource, directory);
    }

    private static void UseDirectory(ITokenQuotaBuilder builder, CliUserDirectory? directory)
    {
        if (directory is not null)
        {
            builder.UseUserDirectory(directory);
        }
    }

    private static CliServices CreatePostgres(string db, string schema, Func<StoreProvider, string, CliUserDirectory?>? users)
    {
        if (string.IsNullOrWhiteSpace(db) || db == CliContext.DefaultDatabase || !db.Contains('=', StringComparison.Ordinal))
        {
            throw new CliUsageException("--provider postgres needs --db with an Npgsql connection string, for example --db \"Host=localhost;Username=app;Password=...;Database=app\".");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(db);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new CliUsageException($"--db is not a valid PostgreSQL connection string: {ex.Message}");
        }

        var services = new ServiceCollection();
        var directory = users?.Invoke(StoreProvider.Postgres, db);
        try
        {
            UseDirectory(services.AddTokenQuotas().UsePostgreSql(db, o => o.Schema = schema), directory);
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException(ex.Message);
        }

        return new CliServices(services.BuildServiceProvider(), StoreProvider.Postgres, db, $"{builder.Host}/{builder.Database} (schema {schema})", directory, schema);
    }

    /// <summary>
    /// Turns the value of <c>--db</c> into a connection string: a value that parses as a SQLite connection string with
    /// a Data Source is used as it is; anything else is a file path.
    /// </summary>
    /// <param name="db">The value of <c>--db</c>.</param>
    /// <returns>The connection string.</returns>
    /// <exception cref="CliUsageException">The value is empty.</exception>
    public static string ToConnectionString(string db)
    {
        if (string.IsNullOrWhiteSpace(db))
        {
            throw new CliUsageException("--db is empty; give a database file path or a connection string such as \"Data Source=tokenquota.db\".");
        }

        if (db.Contains('=', StringComparison.Ordinal))
        {
            try
            {
                var builder = new SqliteConnectionStringBuilder(db);
                if (!string.IsNullOrWhiteSpace(builder.DataSource))
                {
                    return builder.ConnectionString;
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
            {
                // Not a connection string: read it as a path.
            }
        }

        return new SqliteConnectionStringBuilder { DataSource = db }.ConnectionString;
    }

    public ValueTask DisposeAsync() => provider.DisposeAsync();

    private static bool IsFile(SqliteConnectionStringBuilder builder) =>
        builder.Mode != SqliteOpenMode.Memory
        && !string.Equals(builder.DataSource, ":memory:", StringComparison.Ordinal)
        && !builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase);
}
