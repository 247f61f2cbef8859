namespace TokenQuota.Sqlite;

/// <summary>
/// A small pool of long-lived read connections with their prepared statements. In WAL mode readers never wait for the
/// writer, so reads run beside the group-commit writer. A connection that failed is dropped, not returned.
/// </summary>
/// <remarks>
/// The pool hands out the most recently returned connection first (a stack). In WAL mode a connection drops its whole
/// page cache at its first read after another connection committed, so reads spread over every pooled connection in
/// turn would each refill a cold cache once per commit; served from the top of the stack, they mostly run on one or
/// two warm connections.
/// </remarks>
internal sealed class SqliteReaderPool(SqliteConnectionFactory factory) : IDisposable
{
    private static readonly int MaxIdle = Math.Max(4, Environment.ProcessorCount * 2);

    private readonly Lock gate = new();
    private readonly SqliteHotPathConnection?[] idle = new SqliteHotPathConnection?[MaxIdle];
    private int idleCount;
    private bool disposed;

    /// <summary>Runs <paramref name="read"/> on a pooled connection.</summary>
    public T Read<TState, T>(TState state, Func<SqliteHotPathConnection, TState, T> read)
    {
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
        lock (gate)
        {
            disposed = true;
        }

        Clear();
    }

    /// <summary>Closes the idle connections (the database file was removed or replaced); the next read opens the path again.</summary>
    public void Clear()
    {
        while (true)
        {
            SqliteHotPathConnection? reader;
            lock (gate)
            {
                reader = PopIdle();
            }

            if (reader is null)
            {
                return;
            }

            reader.Dispose();
        }
    }

    private SqliteHotPathConnection Rent()
    {
        SqliteHotPathConnection? reader;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            reader = PopIdle();
        }

        return reader ?? new SqliteHotPathConnection(factory.Open(writer: false));
    }

    /// <summary>Takes the most recently returned idle connection, or <see langword="null"/>; called under <see cref="gate"/>.</summary>
    private SqliteHotPathConnection? PopIdle()
    {
        if (idleCount == 0)
        {
            return null;
        }

        var reader = idle[--idleCount];
        idle[idleCount] = null;
        return reader;
    }

    private void Return(SqliteHotPathConnection reader)
    {
        lock (gate)
        {
            if (!disposed && idleCount < MaxIdle)
            {
                idle[idleCount++] = reader;
                return;
            }
        }

        reader.Dispose();
    }
}
