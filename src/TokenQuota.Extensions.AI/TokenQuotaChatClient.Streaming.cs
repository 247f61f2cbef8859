using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace TokenQuota.Extensions.AI;

// Streaming: the public streaming entry point, the stream itself, and how an ended stream is settled.
public sealed partial class TokenQuotaChatClient
{
    /// <inheritdoc />
    /// <exception cref="TokenQuotaExceededException">The user's rate limits or token budget refused the call; the inner client was not called.</exception>
    /// <exception cref="InvalidOperationException">No user id could be resolved for the call.</exception>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var activity = ChatClientTracing.Start(options, streaming: true);
        var ended = false;
        var updates = StreamAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                // The consumer resumes the stream from its own context: each step runs under the call's span again.
                var consumer = ChatClientTracing.Enter(activity);
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        ChatClientTracing.Completed(activity, null);
                        ended = true;
                        break;
                    }
                }
                catch (Exception ex)
                {
                    ChatClientTracing.Failed(activity, ex, cancellationToken);
                    ended = true;
                    throw;
                }
                finally
                {
                    ChatClientTracing.Leave(activity, consumer);
                }

                yield return updates.Current;
            }
        }
        finally
        {
            if (!ended)
            {
                ChatClientTracing.Abandoned(activity);
            }

            await updates.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var list = Materialize(messages);
        var call = await BeginAsync(list, options, cancellationToken).ConfigureAwait(false);
        var tally = new StreamTally();
        var outcome = StreamOutcome.Abandoned;
        try
        {
            IAsyncEnumerator<ChatResponseUpdate> updates;
            try
            {
                updates = base.GetStreamingResponseAsync(list, call.Options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            }
            catch (Exception ex)
            {
                outcome = Classify(ex, cancellationToken);
                throw;
            }

            await using (updates.ConfigureAwait(false))
            {
                while (true)
                {
                    try
                    {
                        if (!await updates.MoveNextAsync().ConfigureAwait(false))
                        {
                            outcome = StreamOutcome.Completed;
                            break;
                        }
                    }
                    catch (Exception ex)
                    {
                        outcome = Classify(ex, cancellationToken);
                        throw;
                    }

                    tally.Observe(updates.Current);
                    yield return updates.Current;
                }
            }
        }
        finally
        {
            await SettleStreamAsync(call, tally, outcome).ConfigureAwait(false);
        }
    }

    private static StreamOutcome Classify(Exception exception, CancellationToken cancellationToken) =>
        exception is OperationCanceledException && cancellationToken.IsCancellationRequested ? StreamOutcome.Cancelled : StreamOutcome.Failed;

    private async ValueTask SettleStreamAsync(QuotaCall call, StreamTally tally, StreamOutcome outcome)
    {
        try
        {
            if (outcome == StreamOutcome.Completed)
            {
                var charge = UsageAccounting.Measure(tally.Usage, call.EstimatedInputTokens, () => settings.TokenEstimator.EstimateOutputTokens(tally.Text), settings);
                ReportEstimate(call, charge, streaming: true);
                await CommitAsync(call, charge, tally.ModelId).ConfigureAwait(false);
                return;
            }

            var reason = outcome switch
            {
                StreamOutcome.Cancelled => "cancelled",
                StreamOutcome.Failed => "the inner client threw",
                _ => "the consumer stopped enumerating",
            };
            if (tally.Updates == 0)
            {
                // Nothing was streamed: the finally below releases the whole reservation.
                ChatClientLog.CallReleased(logger, call.UserId, reason, call.Reservation.RequestId);
                return;
            }

            try
            {
                // Commit what was streamed; the commit replaces the reservation, so the rest is released.
                var charge = UsageAccounting.Measure(tally.Usage, call.EstimatedInputTokens, () => settings.TokenEstimator.EstimateOutputTokens(tally.Text), settings);
                if (charge.Source != ChargeSource.Reported)
                {
                    metrics.UsageEstimated("interrupted", streaming: true);
                }

                await CommitAsync(call, charge, tally.ModelId).ConfigureAwait(false);
                ChatClientLog.StreamInterrupted(logger, call.UserId, reason, tally.Updates, charge.InputTokens, charge.OutputTokens, call.Reservation.RequestId);
            }
            catch (Exception ex)
            {
                // The stream already ends with the consumer's own outcome (an exception, a cancellation or a dispose);
                // a failed commit must not replace it. It is logged, and the finally releases the reservation.
                ChatClientLog.SettleFailed(logger, ex, call.Reservation.RequestId, call.UserId, reason);
            }
        }
        finally
        {
            await call.Reservation.DisposeAsync().ConfigureAwait(false);
        }
    }
}
