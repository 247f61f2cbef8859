namespace TokenQuota.Storage;

/// <summary>
/// Keeps the reservation table small, in the background: a timer starts a pass every <see cref="Interval"/>. A pass
/// forgets committed reservations older than <see cref="KeptFor"/>, in batches of <see cref="BatchSize"/> through the
/// store's index of committed rows by commit time, so no caller's reservation pays for the user's history; then it
/// sweeps the holds that expired more than <see cref="KeptFor"/> ago of users who have not reserved since (a
/// reservation only forgets its own user's), taking their estimates back from the reserved totals,
/// <see cref="BatchSize"/> users at a time.
/// </summary>
/// <remarks>
/// A committed row is what makes a retried commit idempotent: it is kept as long as a reservation may live
/// (<see cref="QuotaReservationOptions.MaxTtl"/>), so a retry that comes while the reservation could still have been
/// committed is always recognised. Reads already leave expired holds out, so sweeping them changes no figure anyone
/// sees. A failed pass changes nothing that matters to quotas (old rows only stay longer); the next pass retries it.
/// </remarks>
internal sealed class ReservationRetention : IDisposable
{
    /// <summary>How long a committed reservation is kept after its commit.</summary>
    public static readonly TimeSpan KeptFor = QuotaReservationOptions.MaxTtl;

    /// <summary>How often a pass runs.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>The most rows one statement deletes, so a pass never holds the store's write lock for long.</summary>
    public const int BatchSize = 500;

    private readonly TimeProvider timeProvider;
    private readonly Func<long, int, CancellationToken, ValueTask<int>> purgeBatch;
    private readonly Func<long, int, CancellationToken, ValueTask<ExpiredHoldsSweep>>? sweepBatch;
    private readonly Action<int>? holdsSwept;
    private readonly CancellationTokenSource stopping = new();
    private readonly SemaphoreSlim oneAtATime = new(1, 1);
    private ITimer? timer;
    private int requested;

    /// <param name="timeProvider">The store's clock.</param>
    /// <param name="purgeBatch">Deletes up to the given number of rows committed at or before the cutoff (Unix ms); returns how many.</param>
    /// <param name="sweepBatch">Forgets the holds expired at or before the cutoff (Unix ms) of up to the given number of users; <see langword="null"/> for none.</param>
    /// <param name="holdsSwept">Told how many expired holds each sweep batch forgot (the <c>tokenquota.reservations.expired</c> metric).</param>
    public ReservationRetention(
        TimeProvider timeProvider,
        Func<long, int, CancellationToken, ValueTask<int>> purgeBatch,
        Func<long, int, CancellationToken, ValueTask<ExpiredHoldsSweep>>? sweepBatch = null,
        Action<int>? holdsSwept = null)
    {
        this.timeProvider = timeProvider;
        this.purgeBatch = purgeBatch;
        this.sweepBatch = sweepBatch;
        this.holdsSwept = holdsSwept;
    }

    /// <summary>Starts the periodic passes, once; later calls do nothing.</summary>
    public void EnsureStarted()
    {
        if (Volatile.Read(ref timer) is not null || stopping.IsCancellationRequested)
        {
            return;
        }

        var created = timeProvider.CreateTimer(static state => ((ReservationRetention)state!).OnTick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (Interlocked.CompareExchange(ref timer, created, null) is null)
        {
            created.Change(Interval, Interval);
        }
        else
        {
            created.Dispose();
        }
    }

    /// <summary>Runs one pass now, after the one in progress if any.</summary>
    /// <returns>The number of committed reservations this pass forgot (0 when it failed).</returns>
    public async Task<int> RunAsync()
    {
        try
        {
            await oneAtATime.WaitAsync(stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return 0;
        }

        try
        {
            return await PassAsync().ConfigureAwait(false);
        }
        finally
        {
            oneAtATime.Release();
            _ = DrainAsync();
        }
    }

    /// <summary>A timer tick: asks for a pass; a tick that comes while one runs makes that one run again once done.</summary>
    private void OnTick()
    {
        Volatile.Write(ref requested, 1);
        _ = DrainAsync();
    }

    private async Task DrainAsync()
    {
        // The outer loop closes the gap between a pass's last look at the request and its release of the lock.
        while (Volatile.Read(ref requested) == 1 && !stopping.IsCancellationRequested && oneAtATime.Wait(0))
        {
            try
            {
                while (Interlocked.Exchange(ref requested, 0) == 1 && !stopping.IsCancellationRequested)
                {
                    await PassAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                oneAtATime.Release();
            }
        }
    }

    private async Task<int> PassAsync()
    {
        var forgotten = 0;
        try
        {
            var cutoff = (timeProvider.GetUtcNow() - KeptFor).ToUnixTimeMilliseconds();
            int deleted;
            do
            {
                deleted = await purgeBatch(cutoff, BatchSize, stopping.Token).ConfigureAwait(false);
                forgotten += deleted;
            }
            while (deleted == BatchSize && !stopping.IsCancellationRequested);
        }
        catch (Exception)
        {
            // Old committed rows only stay until the next pass; nothing a quota depends on is lost or half-written.
        }

        await SweepAsync().ConfigureAwait(false);
        return forgotten;
    }

    private async Task SweepAsync()
    {
        if (sweepBatch is null)
        {
            return;
        }

        try
        {
            // A hold stays for the retention period after it expires, as a commit does, so a late commit or release
            // finds it exactly as it would have without the sweep.
            var cutoff = (timeProvider.GetUtcNow() - KeptFor).ToUnixTimeMilliseconds();
            ExpiredHoldsSweep swept;
            do
            {
                swept = await sweepBatch(cutoff, BatchSize, stopping.Token).ConfigureAwait(false);
                if (swept.Holds > 0)
                {
                    holdsSwept?.Invoke(swept.Holds);
                }
            }
            while (swept.Users == BatchSize && !stopping.IsCancellationRequested);
        }
        catch (Exception)
        {
            // Expired holds are already left out of every figure; they only stay until the next pass.
        }
    }

    /// <summary>Stops the passes; a pass in progress ends after its current batch.</summary>
    public void Dispose()
    {
        stopping.Cancel();
        timer?.Dispose();
    }
}
