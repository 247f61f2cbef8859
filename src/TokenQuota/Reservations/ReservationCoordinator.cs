using Microsoft.Extensions.Logging;

namespace TokenQuota;

/// <summary>Makes, commits and releases reservations through the store, applying the token rule and the failure mode.</summary>
internal sealed class ReservationCoordinator(
    IQuotaStore store,
    ProfileResolver resolver,
    TimeProvider timeProvider,
    StoreFailureHandler failures,
    TokenQuotaMetrics metrics,
    ILogger logger)
{
    public async ValueTask<QuotaReservationResult> ReserveAsync(string userId, long inputTokens, long outputTokens, QuotaReservationOptions? options, CancellationToken cancellationToken)
    {
        UserIds.Validate(userId);
        TokenCounts.Validate(inputTokens);
        TokenCounts.Validate(outputTokens);
        options ??= new QuotaReservationOptions();
        ValidateOptions(options);
        cancellationToken.ThrowIfCancellationRequested();

        var now = timeProvider.GetUtcNow();
        var period = QuotaPeriod.FromInstant(now);
        var reservation = new NewReservation(options.RequestId ?? Guid.CreateVersion7().ToString("N"), userId, period, inputTokens, outputTokens, now, now + options.Ttl);
        var requestIdInUse = false;
        try
        {
            var profile = await resolver.ResolveAsync(userId, cancellationToken).ConfigureAwait(false);
            QuotaCheckResult? judged = null;
            ReservationAttempt attempt;
            try
            {
                attempt = await store.TryReserveAsync(
                    reservation,
                    totals =>
                    {
                        judged = TokenQuotaRules.Judge(period, profile, totals, inputTokens, outputTokens);
                        return judged.IsAllowed;
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException) when (options.RequestId is not null)
            {
                // The store's contract: the caller's request id is already in use. A caller error, not a store failure,
                // so it is neither wrapped nor failed open.
                requestIdInUse = true;
                throw;
            }
            judged ??= TokenQuotaRules.Judge(period, profile, attempt.Totals, inputTokens, outputTokens);
            if (!attempt.Reserved)
            {
                metrics.ReservationCompleted("denied");
                return new QuotaReservationResult { Check = judged with { IsAllowed = false } };
            }

            metrics.ReservationCompleted("reserved");
            var held = new QuotaReservation(this, reservation, failedOpen: false);
            held.ReleaseWhenCancelled(cancellationToken);
            return new QuotaReservationResult { Reservation = held, Check = judged };
        }
        catch (Exception ex) when (!requestIdInUse && StoreFailureHandler.IsStoreFailure(ex))
        {
            failures.Handle(ex, "reserve", userId);
            metrics.ReservationCompleted("failed_open");
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

    public async ValueTask<ReservationCommitOutcome> CommitAsync(QuotaReservation reservation, long inputTokens, long outputTokens, CancellationToken cancellationToken)
    {
        try
        {
            var outcome = await store.CommitReservationAsync(
                reservation.RequestId, reservation.UserId, reservation.Period, inputTokens, outputTokens, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (outcome != ReservationCommitOutcome.AlreadyCommitted)
            {
                metrics.TokensRecorded(inputTokens, outputTokens);
            }

            metrics.ReservationCompleted(outcome switch
            {
                ReservationCommitOutcome.Committed => "committed",
                ReservationCommitOutcome.CommittedAfterExpiry => "committed_after_expiry",
                _ => "already_committed",
            });
            if (outcome == ReservationCommitOutcome.CommittedAfterExpiry)
            {
                TokenQuotaLog.ReservationCommittedAfterExpiry(logger, reservation.RequestId, reservation.UserId);
            }

            return outcome;
        }
        catch (Exception ex) when (StoreFailureHandler.IsStoreFailure(ex))
        {
            failures.Handle(ex, "commit reservation", reservation.UserId);
            metrics.ReservationCompleted("failed_open");
            return ReservationCommitOutcome.NotRecordedFailedOpen;
        }
    }

    public async ValueTask ReleaseAsync(QuotaReservation reservation, CancellationToken cancellationToken)
    {
        try
        {
            await store.ReleaseReservationAsync(reservation.RequestId, cancellationToken).ConfigureAwait(false);
            metrics.ReservationCompleted("released");
        }
        catch (Exception ex) when (StoreFailureHandler.IsStoreFailure(ex))
        {
            failures.Handle(ex, "release reservation", reservation.UserId);
        }
    }

    public void ReleaseFailed(QuotaReservation reservation, Exception exception) =>
        TokenQuotaLog.ReservationReleaseFailed(logger, exception, reservation.RequestId, reservation.UserId, reservation.ExpiresAt);

    private static void ValidateOptions(QuotaReservationOptions options)
    {
        if (options.Ttl <= TimeSpan.Zero || options.Ttl > QuotaReservationOptions.MaxTtl)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Ttl, $"The reservation TTL must be more than zero and at most {QuotaReservationOptions.MaxTtl.TotalHours:N0} hours.");
        }

        if (options.RequestId is { } id && (string.IsNullOrWhiteSpace(id) || id.Length > 128 || id.Any(char.IsControl)))
        {
            throw new ArgumentException("The request id must be 1 to 128 visible characters.", nameof(options));
        }
    }
}
