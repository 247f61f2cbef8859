using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>Makes, commits and releases reservations through the store, applying the token rule and the failure mode.</summary>
internal sealed class ReservationCoordinator(
    IQuotaStore store,
    ProfileResolver resolver,
    TimeProvider timeProvider,
    StoreFailureHandler failures,
    TokenQuotaMetrics metrics,
    TokenQuotaTracing tracing,
    ILogger logger)
{
    public async ValueTask<QuotaReservationResult> ReserveAsync(string userId, long inputTokens, long outputTokens, QuotaReservationOptions? options, CancellationToken cancellationToken)
    {
        UserIds.Validate(userId);
        TokenCounts.Validate(inputTokens);
        TokenCounts.Validate(outputTokens);
        options ??= new QuotaReservationOptions();
        QuotaReservationOptionsValidator.ThrowIfInvalid(options);
        cancellationToken.ThrowIfCancellationRequested();

        var now = timeProvider.GetUtcNow();
        var period = QuotaPeriod.FromInstant(now);
        var reservation = new NewReservation(options.RequestId ?? Guid.CreateVersion7().ToString("N"), userId, period, inputTokens, outputTokens, now, now + options.Ttl)
        {
            ModelId = options.ModelId,
        };
        var requestIdInUse = false;
        using var activity = tracing.Start("tokenquota.reserve", userId);
        var started = Stopwatch.GetTimestamp();
        try
        {
            // The cached configuration is judged against the version the store reads in the reservation's own transaction:
            // no separate version read. A reservation judged against another version is refused unwritten and judged again
            // once against the version the store reported.
            var snapshot = resolver.Cached ?? await resolver.GetSnapshotAsync(knownVersion: null, cancellationToken).ConfigureAwait(false);
            var (profile, shared) = await resolver.ResolveSubjectsAsync(snapshot, userId, cancellationToken).ConfigureAwait(false);
            QuotaCheckResult? judged = null;
            ExtraLimitRefusal? refusal = null;
            ReservationAttempt attempt;
            var expiredHolds = 0;
            for (var pass = 0; ; pass++)
            {
                long? staleAgainst = null;
                refusal = null;
                var judgedProfile = profile;
                var extra = ExtraLimitPlan.ForCall(profile, options.ModelId, inputTokens, outputTokens, holdsASlot: true, resolver.Prices, timeProvider.GetUtcNow(), shared);
                bool Admit(TokenUsageTotals totals)
                {
                    if (pass == 0 && totals.ConfigurationVersion != snapshot.Version)
                    {
                        staleAgainst = totals.ConfigurationVersion;
                        return false;
                    }

                    judged = TokenQuotaRules.Judge(period, judgedProfile, totals, inputTokens, outputTokens);
                    return judged.IsAllowed;
                }

                try
                {
                    attempt = extra.IsEmpty
                        ? await store.TryReserveAsync(reservation, Admit, cancellationToken).ConfigureAwait(false)
                        : await store.TryReserveWithLimitsAsync(
                            reservation,
                            Admit,
                            new ReservationLimitCheck(
                                extra.Keys,
                                extra.UserHolds,
                                (stored, live) => (refusal = extra.Judge(stored, LimitHolds.Sum(live), now, out _)) is null)
                            {
                                SharedKeys = extra.SharedKeys,
                                SharedHolds = extra.SharedHolds,
                            },
                            cancellationToken).ConfigureAwait(false);
                }
                catch (DuplicateRequestIdException) when (options.RequestId is not null)
                {
                    // The store's contract: the caller's request id is already in use. A caller error, not a store failure,
                    // so it is neither wrapped nor failed open.
                    requestIdInUse = true;
                    throw;
                }

                expiredHolds += attempt.ExpiredHoldsForgotten;
                if (staleAgainst is not { } version)
                {
                    break;
                }

                snapshot = await resolver.GetSnapshotAsync(version, cancellationToken).ConfigureAwait(false);
                (profile, shared) = await resolver.ResolveSubjectsAsync(snapshot, userId, cancellationToken).ConfigureAwait(false);
            }

            metrics.StoreCallCompleted("reserve", tracing.StoreName, started);
            metrics.ReservationsExpired(expiredHolds, tracing.StoreName);
            judged ??= TokenQuotaRules.Judge(period, profile, attempt.Totals, inputTokens, outputTokens);
            if (!attempt.Reserved && refusal is not null)
            {
                metrics.ReservationCompleted("denied");
                TokenQuotaTracing.Outcome(activity, "denied");
                return new QuotaReservationResult { Check = judged.RefusedBy(refusal) };
            }

            if (!attempt.Reserved)
            {
                metrics.ReservationCompleted("denied");
                var binding = BindingLimit.Of(judged.DeniedDimension ?? TokenDimension.Input);
                metrics.Refused(binding);
                TokenQuotaTracing.Refused(activity, binding);
                return new QuotaReservationResult { Check = judged with { IsAllowed = false } };
            }

            metrics.ReservationCompleted("reserved");
            TokenQuotaTracing.Outcome(activity, "reserved");
            var held = new QuotaReservation(this, reservation, failedOpen: false);
            held.ReleaseWhenCancelled(cancellationToken);
            return new QuotaReservationResult { Reservation = held, Check = judged };
        }
        catch (Exception ex) when (!requestIdInUse && StoreFailureHandler.IsStoreFailure(ex))
        {
            TokenQuotaTracing.Failed(activity, ex);
            failures.Handle(ex, "reserve", userId);
            metrics.ReservationCompleted("failed_open");
            TokenQuotaTracing.Outcome(activity, "failed_open");
            return new QuotaReservationResult
            {
                Reservation = new QuotaReservation(this, reservation, failedOpen: true),
                Check = new QuotaCheckResult
                {
                    IsAllowed = true,
                    Message = string.Empty,
                    Period = period,
                    Input = new TokenLimitFigures(null, 0, inputTokens, null),
                    Output = new TokenLimitFigures(null, 0, outputTokens, null),
                    FailedOpen = true,
                },
            };
        }
    }

    public async ValueTask<ReservationCommitOutcome> CommitAsync(QuotaReservation reservation, CallUsage usage, CancellationToken cancellationToken)
    {
        var (inputTokens, outputTokens) = (usage.InputTokens, usage.OutputTokens);
        usage = usage.ModelId is null ? usage with { ModelId = reservation.ModelId } : usage;
        using var activity = tracing.Start("tokenquota.commit", reservation.UserId);
        var started = Stopwatch.GetTimestamp();
        try
        {
            // Only a configuration with extra limits needs the user's profile; the others commit in one step as before.
            var now = timeProvider.GetUtcNow();
            var (profile, shared) = await resolver.ResolveForUsageAsync(reservation.UserId, cancellationToken).ConfigureAwait(false);
            var prices = resolver.Prices;
            var extra = ExtraLimitPlan.ForCall(profile, usage, holdsASlot: false, prices, now, shared);
            var byModel = prices.UsageOf(usage, reservation.Period, now);
            var outcome = extra.IsEmpty && byModel is null
                ? await store.CommitReservationAsync(
                    reservation.RequestId, reservation.UserId, reservation.Period, inputTokens, outputTokens, now, cancellationToken).ConfigureAwait(false)
                : await store.CommitReservationWithCountersAsync(
                    reservation.RequestId,
                    reservation.UserId,
                    reservation.Period,
                    inputTokens,
                    outputTokens,
                    now,
                    new LimitCounterUpdate(extra.Keys, stored => extra.Recorded(stored, now)) { Usage = byModel, SharedKeys = extra.SharedKeys },
                    cancellationToken).ConfigureAwait(false);
            metrics.StoreCallCompleted("commit", tracing.StoreName, started);
            if (outcome != ReservationCommitOutcome.AlreadyCommitted)
            {
                metrics.TokensRecorded(inputTokens, outputTokens);
                metrics.EstimateJudged(reservation.EstimatedInputTokens, inputTokens, reservation.EstimatedOutputTokens, outputTokens);
            }

            var result = outcome switch
            {
                ReservationCommitOutcome.Committed => "committed",
                ReservationCommitOutcome.CommittedAfterExpiry => "committed_after_expiry",
                _ => "already_committed",
            };
            metrics.ReservationCompleted(result);
            TokenQuotaTracing.Outcome(activity, result);
            if (outcome == ReservationCommitOutcome.CommittedAfterExpiry)
            {
                TokenQuotaLog.ReservationCommittedAfterExpiry(logger, reservation.RequestId, reservation.UserId);
            }

            return outcome;
        }
        catch (Exception ex) when (StoreFailureHandler.IsStoreFailure(ex))
        {
            TokenQuotaTracing.Failed(activity, ex);
            failures.Handle(ex, "commit reservation", reservation.UserId);
            metrics.ReservationCompleted("failed_open");
            TokenQuotaTracing.Outcome(activity, "failed_open");
            return ReservationCommitOutcome.NotRecordedFailedOpen;
        }
    }

    public async ValueTask ReleaseAsync(QuotaReservation reservation, CancellationToken cancellationToken)
    {
        using var activity = tracing.Start("tokenquota.release", reservation.UserId);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var released = await store.ReleaseReservationAsync(reservation.RequestId, cancellationToken).ConfigureAwait(false);
            metrics.StoreCallCompleted("release", tracing.StoreName, started);
            metrics.ReservationCompleted("released");
            TokenQuotaTracing.Outcome(activity, released ? "released" : "not_held");
        }
        catch (Exception ex) when (StoreFailureHandler.IsStoreFailure(ex))
        {
            TokenQuotaTracing.Failed(activity, ex);
            failures.Handle(ex, "release reservation", reservation.UserId);
            TokenQuotaTracing.Outcome(activity, "failed_open");
        }
    }

    public void ReleaseFailed(QuotaReservation reservation, Exception exception) =>
        TokenQuotaLog.ReservationReleaseFailed(logger, exception, reservation.RequestId, reservation.UserId, reservation.ExpiresAt);
}
