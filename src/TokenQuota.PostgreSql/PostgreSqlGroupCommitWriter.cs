using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;

namespace TokenQuota.PostgreSql;

/// <summary>
/// Group commit for <c>RecordAsync</c>. Concurrent additions are queued; one loop drains up to <see cref="MaxBatch"/> of
/// them, sums the additions to the same (user, period) (one <c>INSERT … ON CONFLICT</c> cannot touch a row twice), and
/// applies them with one batched insert-or-add statement, which is its own transaction (autocommit: one round trip).
/// Each caller's task completes only after that COMMIT, so every write is durable on return, exactly as if it had
/// committed alone; if the statement fails, every write of the batch fails and none reports success. A row whose sum
/// the overflow guard refuses is then applied request by request (each its own statement), so only the request that
/// would overflow is refused.
/// </summary>
/// <remarks>
/// A sequential caller (nothing queued for <see cref="IdleGap"/> and no other inline write in flight) writes inline, one
/// autocommit statement, instead of hopping to the loop: on a dedicated connection with the statement explicitly
/// prepared once, like a hand-written Npgsql loop. After a failure that connection is closed and reopened on next use.
/// </remarks>
internal sealed class PostgreSqlGroupCommitWriter : IAsyncDisposable
{
    public const int MaxBatch = 1024;
    public static readonly TimeSpan IdleGap = TimeSpan.FromMicroseconds(500);

    private static readonly long IdleGapTicks = (long)(IdleGap.TotalSeconds * Stopwatch.Frequency);

    private readonly NpgsqlDataSource dataSource;
    private readonly PostgreSqlUsageCommands commands;
    private readonly Channel<PostgreSqlUsageWrite> queue = Channel.CreateUnbounded<PostgreSqlUsageWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task loop;
    private int queued;
    private int inlineBusy;
    private long lastQueuedAt;
    private NpgsqlConnection? inlineConnection;
    private NpgsqlCommand? inlineAdd;
    private NpgsqlConnection? batchConnection;
    private NpgsqlCommand? batchAdd;
    private NpgsqlCommand? batchAddOne;

    public PostgreSqlGroupCommitWriter(NpgsqlDataSource dataSource, PostgreSqlUsageCommands commands)
    {
        this.dataSource = dataSource;
        this.commands = commands;
        loop = Task.Run(LoopAsync);
    }

    /// <summary>Adds usage; completes after the COMMIT that holds the addition, with whether it was applied (<see langword="false"/>: refused by the overflow guard, nothing written).</summary>
    public Task<bool> AddAsync(string userId, string periodKey, long input, long output, long nowMs, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref queued) == 0
            && Stopwatch.GetTimestamp() - Volatile.Read(ref lastQueuedAt) > IdleGapTicks
            && Interlocked.CompareExchange(ref inlineBusy, 1, 0) == 0)
        {
            return AddInlineAsync(userId, periodKey, input, output, nowMs, cancellationToken);
        }

        var write = new PostgreSqlUsageWrite(userId, periodKey, input, output, nowMs);
        Interlocked.Increment(ref queued);
        Volatile.Write(ref lastQueuedAt, Stopwatch.GetTimestamp());
        if (!queue.Writer.TryWrite(write))
        {
            Interlocked.Decrement(ref queued);
            return Task.FromException<bool>(new ObjectDisposedException(nameof(PostgreSqlQuotaStore)));
        }

        return write.Task;
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
        while (Interlocked.CompareExchange(ref inlineBusy, 1, 0) != 0)
        {
            await Task.Yield();
        }

        await DropInlineAsync().ConfigureAwait(false);
        await DropBatchConnectionAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the loop's connection (after a failure, or on dispose); the next batch opens a fresh one.</summary>
    private async Task DropBatchConnectionAsync()
    {
        foreach (var command in new[] { batchAdd, batchAddOne })
        {
            if (command is not null)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
        }

        batchAdd = null;
        batchAddOne = null;
        if (batchConnection is not null)
        {
            await batchConnection.DisposeAsync().ConfigureAwait(false);
            batchConnection = null;
        }
    }

    private async Task<bool> AddInlineAsync(string userId, string periodKey, long input, long output, long nowMs, CancellationToken cancellationToken)
    {
        try
        {
            if (inlineAdd is null)
            {
                inlineConnection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                inlineAdd = commands.CreateAddUsage(inlineConnection);
                await inlineAdd.PrepareAsync(cancellationToken).ConfigureAwait(false);
            }

            return await PostgreSqlUsageCommands.RunAddUsageAsync(inlineAdd, userId, periodKey, input, output, nowMs, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The connection may be broken or mid-protocol (cancelled): never reuse it.
            await DropInlineAsync().ConfigureAwait(false);
            if (ex is NpgsqlException and not PostgresException)
            {
                dataSource.Clear();
            }

            throw;
        }
        finally
        {
            Volatile.Write(ref inlineBusy, 0);
        }
    }

    private async Task DropInlineAsync()
    {
        if (inlineAdd is not null)
        {
            await inlineAdd.DisposeAsync().ConfigureAwait(false);
            inlineAdd = null;
        }

        if (inlineConnection is not null)
        {
            await inlineConnection.DisposeAsync().ConfigureAwait(false);
            inlineConnection = null;
        }
    }

    private async Task LoopAsync()
    {
        var batch = new List<PostgreSqlUsageWrite>(MaxBatch);
        var reader = queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            Interlocked.Add(ref queued, -batch.Count);
            Exception? failure = null;
            try
            {
                await WriteBatchAsync(batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await DropBatchConnectionAsync().ConfigureAwait(false);
                if (ex is NpgsqlException and not PostgresException)
                {
                    dataSource.Clear();
                }

                failure = ex;
            }

            foreach (var write in batch)
            {
                write.Caller?.SetTag(TokenQuotaTracing.BatchSizeTag, batch.Count);
                if (failure is null)
                {
                    write.Complete();
                }
                else
                {
                    write.Fail(failure);
                }
            }

            batch.Clear();
        }
    }

    /// <summary>Applies the batch (one autocommit statement) and sets each write's result; throws if that statement did not commit.</summary>
    private async Task WriteBatchAsync(List<PostgreSqlUsageWrite> batch)
    {
        // Group by (user, period), keeping request order within a group; sum each group (checked: a sum that overflows
        // is applied request by request instead).
        var groups = new Dictionary<(string UserId, string Period), List<PostgreSqlUsageWrite>>(batch.Count);
        foreach (var write in batch)
        {
            var key = (write.UserId, write.PeriodKey);
            if (!groups.TryGetValue(key, out var group))
            {
                group = new List<PostgreSqlUsageWrite>(1);
                groups[key] = group;
            }

            group.Add(write);
        }

        var users = new List<string>(groups.Count);
        var periods = new List<string>(groups.Count);
        var inputs = new List<long>(groups.Count);
        var outputs = new List<long>(groups.Count);
        var nows = new List<long>(groups.Count);
        var oneByOne = new List<List<PostgreSqlUsageWrite>>();

        // Rows in one order for every writer (instances batch concurrently): the statement locks them in array order, and
        // two batches locking the same rows in different orders deadlock (40P01).
        foreach (var (key, group) in groups.OrderBy(g => g.Key.UserId, StringComparer.Ordinal).ThenBy(g => g.Key.Period, StringComparer.Ordinal))
        {
            if (TrySum(group, out var input, out var output, out var now))
            {
                users.Add(key.UserId);
                periods.Add(key.Period);
                inputs.Add(input);
                outputs.Add(output);
                nows.Add(now);
            }
            else
            {
                oneByOne.Add(group);
            }
        }

        if (batchConnection is null || batchAdd is null || batchAddOne is null)
        {
            batchConnection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
            batchAdd = commands.CreateAddUsageBatch(batchConnection);
            await batchAdd.PrepareAsync().ConfigureAwait(false);
            batchAddOne = commands.CreateAddUsage(batchConnection);
            await batchAddOne.PrepareAsync().ConfigureAwait(false);
        }

        // One statement, committed on its own (autocommit): one round trip for the whole batch. If it fails, none of
        // its rows was written and every caller of the batch fails.
        var written = users.Count == 0
            ? []
            : await PostgreSqlUsageCommands.RunAddUsageBatchAsync(batchAdd, [.. users], [.. periods], [.. inputs], [.. outputs], [.. nows]).ConfigureAwait(false);
        for (var i = 0; i < users.Count; i++)
        {
            var group = groups[(users[i], periods[i])];
            if (written.Contains((users[i], periods[i])))
            {
                foreach (var write in group)
                {
                    write.Written = true;
                }
            }
            else
            {
                // The guard refused the group's sum: apply its requests one by one, so only those that overflow are refused.
                oneByOne.Add(group);
            }
        }

        // Each of these is its own autocommit statement, after the batch statement committed: a failure fails that write
        // (and, if the connection broke, the ones not yet run), never the writes already committed.
        Exception? broken = null;
        foreach (var group in oneByOne)
        {
            foreach (var write in group)
            {
                if (broken is not null)
                {
                    write.Error = broken;
                    continue;
                }

                try
                {
                    write.Written = await PostgreSqlUsageCommands.RunAddUsageAsync(batchAddOne, write.UserId, write.PeriodKey, write.Input, write.Output, write.NowMs, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    write.Error = ex;
                    if (ex is not PostgresException)
                    {
                        broken = ex;
                    }
                }
            }
        }

        if (broken is not null)
        {
            await DropBatchConnectionAsync().ConfigureAwait(false);
            if (broken is NpgsqlException)
            {
                dataSource.Clear();
            }
        }
    }

    private static bool TrySum(List<PostgreSqlUsageWrite> group, out long input, out long output, out long now)
    {
        input = 0;
        output = 0;
        now = 0;
        try
        {
            foreach (var write in group)
            {
                input = checked(input + write.Input);
                output = checked(output + write.Output);
                now = Math.Max(now, write.NowMs);
            }

            _ = checked(input + output);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
