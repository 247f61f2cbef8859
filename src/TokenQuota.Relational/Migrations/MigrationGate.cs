namespace TokenQuota.Relational;

/// <summary>
/// Runs a store's schema migration at most once per store instance: concurrent first callers wait for one run, and a
/// run that fails is tried again by the next caller. Stores check <see cref="IsDone"/> on their hot path (a volatile
/// read) before calling <see cref="RunAsync"/>.
/// </summary>
internal sealed class MigrationGate : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile bool done;

    /// <summary>Gets whether a migration run has completed on this instance.</summary>
    public bool IsDone => done;

    /// <summary>Runs <paramref name="migrate"/> alone (one caller at a time) and marks the gate done when it completes.</summary>
    /// <param name="migrate">The migration, idempotent (it may run again, for example when called explicitly).</param>
    /// <param name="cancellationToken">Cancels the wait and the run.</param>
    /// <returns>A task that completes when the migration has run.</returns>
    public async Task RunAsync(Func<CancellationToken, Task> migrate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(migrate);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await migrate(cancellationToken).ConfigureAwait(false);
            done = true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Releases the gate's wait handle.</summary>
    public void Dispose() => gate.Dispose();
}
