using System.Collections.Concurrent;

namespace TokenQuota.Sqlite;

/// <summary>
/// A small pool of long-lived read connections with their prepared statements. In WAL mode readers never wait for the
/// writer, so reads run beside the group-commit writer. A connection that failed is dropped, not returned.
/// </summary>
internal sealed class SqliteReaderPool(SqliteConnectionFactory factory) : IDisposable
{
    private static readonly int MaxIdle = Math.Max(4, Environment.ProcessorCount * 2);

    private readonly ConcurrentQueue<SqlitePreparedCommands> idle = new();
    private int idleCount;
    private volatile bool disposed;

    /// <summary>Runs <paramref name="read"/> on a pooled connection.</summary>
    public T Read<TState, T>(TState state, Func<SqlitePreparedCommands, TState, T> read)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var reader = Rent();
        T result;
        try
        {
            result = read(reader, state);
        }
        catch
        {
            reader.Dispose();
            throw;
        }

        Return(reader);
        return result;
    }

    public void Dispose()
    {
        disposed = true;
        Clear();
    }

    /// <summary>Closes the idle connections (the database file was removed or replaced); the next read opens the path again.</summary>
    public void Clear()
    {
        while (idle.TryDequeue(out var reader))
        {
            Interlocked.Decrement(ref idleCount);
            reader.Dispose();
        }
    }

    private SqlitePreparedCommands Rent()
    {
        if (idle.TryDequeue(out var reader))
        {
            Interlocked.Decrement(ref idleCount);
            return reader;
        }

        return new SqlitePreparedCommands(factory.Open(writer: false));
    }

    private void Return(SqlitePreparedCommands reader)
    {
        if (disposed || Interlocked.Increment(ref idleCount) > MaxIdle)
        {
            Interlocked.Decrement(ref idleCount);
            reader.Dispose();
            return;
        }

        idle.Enqueue(reader);
        if (disposed && idle.TryDequeue(out var late))
        {
            late.Dispose();
        }
    }
}
