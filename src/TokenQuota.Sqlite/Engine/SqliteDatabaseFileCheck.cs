using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace TokenQuota.Sqlite;

/// <summary>
/// Detects that the database file a long-lived connection holds open was removed or replaced under it (the file
/// unlinked, its directory deleted, or another file renamed over it). In WAL mode SQLite keeps acknowledging writes into
/// the unlinked file, so they would be lost silently; the writer asks once per write transaction and fails the write
/// instead. The check is SQLite's own <c>SQLITE_FCNTL_HAS_MOVED</c> file control (one <c>stat</c> of the path, compared
/// with the inode the connection opened), called in the e_sqlite3 library that Microsoft.Data.Sqlite loads.
/// </summary>
internal static class SqliteDatabaseFileCheck
{
    private const int SqliteFcntlHasMoved = 20;
    private const string Library = "e_sqlite3";

    private static readonly byte[] MainDatabase = "main\0"u8.ToArray();
    private static volatile bool unavailable;

    /// <summary>Throws an <see cref="IOException"/> when the connection's database file is no longer the file at its path.</summary>
    /// <param name="connection">An open connection.</param>
    /// <exception cref="IOException">The file was removed or replaced; nothing was written.</exception>
    public static void ThrowIfMoved(SqliteConnection connection)
    {
        if (HasMoved(connection))
        {
            throw new IOException(
                $"The SQLite database file '{connection.DataSource}' was removed or replaced while the store had it open; nothing was written. " +
                "The store reopens the file on the next call once it is back.");
        }
    }

    /// <summary>Whether the connection's main database file was removed or replaced since it was opened.</summary>
    public static bool HasMoved(SqliteConnection connection)
    {
        if (unavailable)
        {
            return false;
        }

        var handle = connection.Handle;
        if (handle is null)
        {
            return false;
        }

        var moved = 0;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return FileControl(handle.DangerousGetHandle(), MainDatabase, SqliteFcntlHasMoved, ref moved) == 0 && moved != 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Another native SQLite bundle (for example a system library under another name): no check.
            unavailable = true;
            return false;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [DllImport(Library, EntryPoint = "sqlite3_file_control", ExactSpelling = true)]
    private static extern int FileControl(IntPtr database, byte[] databaseName, int operation, ref int result);
}
