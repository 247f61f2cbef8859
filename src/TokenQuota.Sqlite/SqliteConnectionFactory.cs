using System.Globalization;
using Microsoft.Data.Sqlite;

namespace TokenQuota.Sqlite;

/// <summary>Opens pooled connections with the store's pragmas: <c>synchronous=NORMAL</c>, foreign keys and a busy timeout.</summary>
internal sealed class SqliteConnectionFactory
{
    private readonly string connectionString;
    private readonly string pragmas;

    public SqliteConnectionFactory(SqliteQuotaStoreOptions options)
    {
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString)
        {
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
            Pooling = true,
        };
        connectionString = builder.ToString();
        DataSource = builder.DataSource;
        pragmas = SqliteSql.ConnectionPragmas + ((long)options.BusyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + ";";
    }

    public string DataSource { get; }

    /// <summary>Opens a connection synchronously (Microsoft.Data.Sqlite's open is synchronous anyway), for the store's long-lived connections.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = pragmas;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
