using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace TokenQuota.Sqlite;

/// <summary>
/// Checkpoints the write-ahead log on a background thread of its own, on its own connection, so the writer never
/// stops to copy pages into the database file and wait for their <c>fsync</c>: with SQLite's automatic checkpoint
/// (every 1,000 frames) the writer itself, or a sequential caller writing inline, would do that after every few
/// commits. After a commit, <see cref="Committed"/> wakes this thread; it waits <see cref="Gather"/> so that one
/// checkpoint copies a page written many times only once, then runs a <c>PASSIVE</c> checkpoint, which never blocks
/// the writer or the readers.
/// </summary>
/// <remarks>
/// The writer keeps SQLite's automatic checkpoint as a backstop at <see cref="SqliteConnectionFactory.WriterAutoCheckpointFrames"/>
/// frames, so the log stays bounded even if this thread falls behind or its checkpoints fail (a failure drops this
/// connection; the next checkpoint reopens it). Before each checkpoint the connection checks that the database file is
/// still the file at its path, so it never keeps a removed file open.
/// </remarks>
internal sealed class SqliteCheckpointer : IDisposable
{
    /// <summary>How long the thread lets commits accumulate before it checkpoints them.</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(50);

    private readonly SqliteConnectionFactory factory;
    private readonly ManualResetEventSlim pending = new(false);
    private Thread? thread;
    private int started;
    private volatile bool stopping;
    private SqliteConnection? connection;

    /// <param name="factory">Opens the checkpoint connection.</param>
    public SqliteCheckpointer(SqliteConnectionFactory factory) => this.factory = factory;

    /// <summary>Says that a write transaction committed; cheap when a checkpoint is already pending.</summary>
    public void Committed()
    {
        if (pending.IsSet || stopping)
        {
            return;
        }

        if (Interlocked.Exchange(ref started, 1) == 0)
        {
            thread = new Thread(Loop) { IsBackground = true, Name = "TokenQuota SQLite checkpointer" };
            thread.Start();
        }

        pending.Set();
    }

    /// <summary>Stops the thread (after the checkpoint it may be running) and closes its connection.</summary>
    public void Dispose()
    {
        stopping = true;
        pending.Set();
        thread?.Join();
        connection?.Dispose();
        connection = null;
        pending.Dispose();
    }

    private void Loop()
    {
        while (true)
        {
            pending.Wait();
            if (stopping)
            {
                return;
            }

            Thread.Sleep(Gather);
            pending.Reset();
            if (stopping)
            {
                return;
            }

            Checkpoint();
        }
    }

    private void Checkpoint()
    {
        try
        {
            connection ??= factory.Open(writer: false);
            if (SqliteDatabaseFileCheck.HasMoved(connection))
            {
                // The file was removed or replaced: the writer reports it; this thread only lets go of the old file.
                Drop();
                return;
            }

            // SQLITE_BUSY (another connection is checkpointing) and SQLITE_LOCKED leave the work to the next round.
            var rc = raw.sqlite3_wal_checkpoint_v2(connection.Handle!, null, raw.SQLITE_CHECKPOINT_PASSIVE, out _, out _);
            if (rc is not raw.SQLITE_OK and not raw.SQLITE_BUSY and not raw.SQLITE_LOCKED)
            {
                Drop();
            }
        }
        catch (Exception ex) when (ex is SqliteException or IOException or InvalidOperationException)
        {
            // The backstop automatic checkpoint keeps the log bounded; the next round reopens the connection.
            Drop();
        }
    }

    private void Drop()
    {
        connection?.Dispose();
        connection = null;
    }
}
