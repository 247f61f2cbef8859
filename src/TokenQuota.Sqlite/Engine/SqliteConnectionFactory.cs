using System.Globalization;
using Microsoft.Data.Sqlite;

namespace TokenQuota.Sqlite;

/// <summary>Opens pooled connections with the store's pragmas: <c>synchronous=NORMAL</c>, foreign keys and a busy timeout.</summary>
internal sealed class SqliteConnectionFactory
{
    /// <summary>
    /// The writer connection's page cache, in KiB (SQLite's negative <c>cache_size</c>): 128 MiB at most, grown only as
    /// pages are read, so records on a large table (100,000 users and more) stay in memory instead of re-reading the same
    /// index and table pages. The writer's cache survives its own commits. Not <c>mmap</c>: mmap turns an I/O error
    /// into a crash (SIGBUS).
    /// </summary>
    public const int WriterCacheKib = 131_072;

    /// <summary>
    /// A long-lived reader's page cache, in KiB (32 MiB at most). Smaller than the writer's: in WAL mode a reader drops its
    /// whole cache whenever another connection has committed since its last read, so under writes a large reader cache
    /// is refilled from the OS page cache anyway.
    /// </summary>
    public const int ReaderCacheKib = 32_768;

    /// <summary>
    /// The writer's automatic checkpoint threshold, in WAL frames: a backstop only. <see cref="SqliteCheckpointer"/>
    /// checkpoints in the background long before the log reaches it (SQLite's default, 1,000, made the writer checkpoint
    /// itself every few group commits).
    /// </summary>
    public const int WriterAutoCheckpointFrames = 10_000;

    private readonly string connectionString;
    private readonly string pragmas;
    private readonly string writerPragmas;
    private readonly string readerPragmas;
    private readonly SqliteOpenMode builderMode;

    public SqliteConnectionFactory(SqliteQuotaStoreOptions options)
    {
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString)
        {
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
            Pooling = true,
        };
        connectionString = builder.ToString();
        DataSource = builder.DataSource;
        builderMode = builder.Mode;
        pragmas = SqliteSql.ConnectionPragmas + ((long)options.BusyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + ";";
        writerPragmas = pragmas + " PRAGMA cache_size = -" + WriterCacheKib.ToString(CultureInfo.InvariantCulture) + "; PRAGMA wal_autocheckpoint = "
            + WriterAutoCheckpointFrames.ToString(CultureInfo.InvariantCulture) + ";";
        readerPragmas = pragmas + " PRAGMA cache_size = -" + ReaderCacheKib.ToString(CultureInfo.InvariantCulture) + ";";
    }

    public string DataSource { get; }

    /// <summary>Gets whether the database is a file that does not exist yet (the first write would create it).</summary>
    public bool FileMissing =>
        builderMode != SqliteOpenMode.Memory
        && !string.Equals(DataSource, ":memory:", StringComparison.Ordinal)
        && !DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
        && !File.Exists(Path.GetFullPath(DataSource));

    /// <summary>
    /// Opens a connection synchronously (Microsoft.Data.Sqlite's open is synchronous anyway), for the store's long-lived
    /// connections, with a larger page cache (<see cref="WriterCacheKib"/>, <see cref="ReaderCacheKib"/>).
    /// </summary>
    /// <param name="writer">Whether this is the writer connection (else a reader).</param>
    public SqliteConnection Open(bool writer)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = writer ? writerPragmas : readerPragmas;
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
