using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>The default <see cref="ITokenQuotaChecker"/>: the rules of DESIGN §3 over any <see cref="IQuotaStore"/>.</summary>
internal sealed class TokenQuotaChecker(
    IQuotaStore store,
    ProfileResolver resolver,
    RateLimitRules rateLimitRules,
    TimeProvider timeProvider,
    StoreFailureHandler failures,
    TokenQuotaMetrics metrics,
    TokenQuotaTracing tracing,
    ILogger<TokenQuotaChecker> logger) : ITokenQuotaChecker
{
    private readonly ReservationCoordinator reservations = new(store, resolver, timeProvider, failures, metrics, tracing, logger);

    public ValueTask<QuotaReservationResult> ReserveAsync(string userId, long estimatedInputTokens, long estimatedOutputTokens, QuotaReservationOptions? options = null, CancellationToken cancellationToken = default) =>
        reservations.ReserveAsync(userId, estimatedInputTokens, estimatedOutputTokens, options, cancellationToken);

    public async ValueTask<QuotaCheckResult> CheckAsync(string userId, long inputTokens, long outputTokens, CancellationToken cancellationToken = default)
    {
        UserIds.Validate(userId);
        TokenCounts.Validate(inputTokens);
        TokenCounts.Validate(outputTokens);
        cancellationToken.ThrowIfCancellationRequested();
        var period = QuotaPeriod.FromInstant(timeProvider.GetUtcNow());
        using var activity = tracing.Start("tokenquota.check", userId);
        var started = Stopwatch.GetTimestamp();
        try
        {
            // The usage read also returns the configuration version (one statement, one snapshot), so the profile is
            // resolved without a second round trip and a change made by any process is still seen by the next check.
            var usage = await store.GetUsageAsync(userId, period, cancellationToken).ConfigureAwait(false);
            var profile = await resolver.ResolveAsync(userId, usage.ConfigurationVersion, cancellationToken).ConfigureAwait(false);
            metrics.StoreCallCompleted("check", tracing.StoreName, started);
            var result = TokenQuotaRules.Judge(period, profile, usage, inputTokens, outputTokens);
            if (result.IsAllowed)
            {
                metrics.CheckCompleted("allowed");
                TokenQuotaTracing.Outcome(activity, "allowed");
            }
            else
            {
                metrics.CheckCompleted("denied");
                var binding = BindingLimit.Of(result.DeniedDimension!.Value);
                metrics.Refused(binding);
                TokenQuotaTracing.Refused(activity, binding);
                var figures = result.DeniedDimension == TokenDimension.Input ? result.Input : result.Output;
                TokenQuotaLog.TokenQuotaDenied(logger, userId, period.Key, result.DeniedDimension!.Value, figures.Limit ?? 0, figures.Used, figures.Requested);
            }

            return result;
        }
        catch (Exception ex) when (StoreFailureHandler.IsStoreFailure(ex))
        {
            TokenQuotaTracing.Failed(activity, ex);
            failures.Handle(ex, "check", userId);
            metrics.CheckCompleted("failed_open");
            TokenQuotaTracing.Outcome(activity, "failed_open");
            return new QuotaCheckResult
            {
                IsAllowed = true,
                Message = string.Empty,
                Period = period,
                Input = new TokenLimitFigures(null, 0, inputTokens, null),
                Output = new TokenLimitFigures(null, 0, outputTokens, null),
                FailedOpen = true,
            };
        }
    }

    public async ValueTask RecordAsync(string userId, long inputTokens, long outputTokens, CancellationToken cancellationToken = default)
    {
        UserIds.Validate(userId);
        TokenCounts.Validate(inputTokens);
        TokenCounts.Validate(outputTokens);
        cancellationToken.ThrowIfCancellationRequested();
        if (inputTokens == 0 && outputTokens == 0)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        using var activity = tracing.Start("tokenquota.record", userId);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var written = await store.AddUsageAsync(userId, QuotaPeriod.FromInstant(now), inputTokens, outputTokens, now, cancellationToken).ConfigureAwait(false);
            metrics.StoreCallCompleted("record", tracing.StoreName, started);
            if (!written)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(inputTokens),
                    $"Recording {inputTokens} input and {outputTokens} output tokens would overflow the user's stored monthly total; nothing was written.");
            }

            metrics.TokensRecorded(inputTokens, outputTokens);
            TokenQuotaTracing.Outcome(activity, "recorded");
        }
        catch (Exception ex) when (StoreFailureHandler.IsStoreFailure(ex))
        {
            TokenQuotaTracing.Failed(activity, ex);
            failures.Handle(ex, "record", userId);
            TokenQuotaTracing.Outcome(activity, "failed_open");
        }
    }

    public async Task<QuotaStatus> GetStatusAsync(string userId, CancellationToken cancellationToken = default)
    {
        UserIds.Validate(userId);
        var period = QuotaPeriod.FromInstant(timeProvider.GetUtcNow());
        ProfileResolver.Snapshot configuration;
        ConsumptionProfile? profile;
        TokenUsageTotals usage;
        var started = Stopwatch.GetTimestamp();
        try
        {
            configuration = await resolver.GetSnapshotAsync(knownVersion: null, cancellationToken).ConfigureAwait(false);
            profile = await resolver.ResolveAsync(configuration, userId, cancellationToken).ConfigureAwait(false);
            usage = await store.GetUsageAsync(userId, period, cancellationToken).ConfigureAwait(false);
            metrics.StoreCallCompleted("status", tracing.StoreName, started);
        }
        catch (Exception ex) when (StoreFailureHandler.IsStoreFailure(ex))
        {
            throw StoreFailureHandler.Wrap(ex, "status");
        }

        var limits = rateLimitRules.LimitsFor(profile, configuration.Settings);
        return new QuotaStatus
        {
            HasQuota = profile is not null,
            Period = period.Key,
            ProfileName = profile?.Name,
            ProfileId = profile?.Id,
            InputTokens = QuotaTokenStatus.From(profile?.InputTokensPerMonth, usage.InputTokens, usage.ReservedInputTokens),
            OutputTokens = QuotaTokenStatus.From(profile?.OutputTokensPerMonth, usage.OutputTokens, usage.ReservedOutputTokens),
            RateLimits = limits,
            ResetsAt = period.End,
        };
    }
}
