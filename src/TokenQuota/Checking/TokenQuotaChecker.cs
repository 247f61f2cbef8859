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

    public ValueTask<QuotaCheckResult> CheckAsync(string userId, long inputTokens, long outputTokens, CancellationToken cancellationToken = default) =>
        CheckForModelAsync(userId, inputTokens, outputTokens, modelId: null, cancellationToken);

    public ValueTask RecordAsync(string userId, long inputTokens, long outputTokens, CancellationToken cancellationToken = default) =>
        RecordForModelAsync(userId, inputTokens, outputTokens, modelId: null, cancellationToken);

    public async ValueTask<QuotaCheckResult> CheckForModelAsync(string userId, long inputTokens, long outputTokens, string? modelId, CancellationToken cancellationToken = default)
    {
        UserIds.Validate(userId);
        TokenCounts.Validate(inputTokens);
        TokenCounts.Validate(outputTokens);
        ModelIds.Validate(modelId);
        cancellationToken.ThrowIfCancellationRequested();
        var period = QuotaPeriod.FromInstant(timeProvider.GetUtcNow());
        using var activity = tracing.Start("tokenquota.check", userId);
        var started = Stopwatch.GetTimestamp();
        try
        {
            // The usage read also returns the configuration version (one statement, one snapshot), so the profile is
            // resolved without a second round trip and a change made by any process is still seen by the next check.
            var usage = await store.GetUsageAsync(userId, period, cancellationToken).ConfigureAwait(false);
            var (profile, shared) = await resolver.ResolveSubjectsAsync(userId, usage.ConfigurationVersion, cancellationToken).ConfigureAwait(false);
            var result = TokenQuotaRules.Judge(period, profile, usage, inputTokens, outputTokens);
            var extra = ExtraLimitPlan.ForCall(profile, modelId, inputTokens, outputTokens, holdsASlot: false, resolver.Prices, timeProvider.GetUtcNow(), shared);
            if (result.IsAllowed && !extra.IsEmpty)
            {
                var state = await store.GetLimitStateAsync(userId, extra.Keys, extra.SharedKeys, cancellationToken).ConfigureAwait(false);
                if (extra.Judge(state.Counters, LimitHolds.Sum(state.LiveHolds), timeProvider.GetUtcNow(), out _) is { } refusal)
                {
                    result = result.RefusedBy(refusal);
                }
            }

            metrics.StoreCallCompleted("check", tracing.StoreName, started);
            if (result.IsAllowed)
            {
                metrics.CheckCompleted("allowed");
                TokenQuotaTracing.Outcome(activity, "allowed");
            }
            else if (result.BindingLimit is not null)
            {
                metrics.CheckCompleted("denied");
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

    public ValueTask RecordForModelAsync(string userId, long inputTokens, long outputTokens, string? modelId, CancellationToken cancellationToken = default)
    {
        TokenCounts.Validate(inputTokens);
        TokenCounts.Validate(outputTokens);
        ModelIds.Validate(modelId);
        return RecordCallAsync(userId, new CallUsage { InputTokens = inputTokens, OutputTokens = outputTokens, ModelId = modelId }, cancellationToken);
    }

    public async ValueTask RecordCallAsync(string userId, CallUsage usage, CancellationToken cancellationToken = default)
    {
        UserIds.Validate(userId);
        ArgumentNullException.ThrowIfNull(usage);
        usage.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var (inputTokens, outputTokens) = (usage.InputTokens, usage.OutputTokens);
        if (inputTokens == 0 && outputTokens == 0)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        var period = QuotaPeriod.FromInstant(now);
        using var activity = tracing.Start("tokenquota.record", userId);
        var started = Stopwatch.GetTimestamp();
        try
        {
            // Only a configuration with extra limits needs the user's profile, and only a call that names a model adds
            // to the usage by model; the others record in one statement.
            var (profile, shared) = await resolver.ResolveForUsageAsync(userId, cancellationToken).ConfigureAwait(false);
            var prices = resolver.Prices;
            var extra = ExtraLimitPlan.ForCall(profile, usage, holdsASlot: false, prices, now, shared);
            var byModel = prices.UsageOf(usage, period, now);
            var written = extra.IsEmpty && byModel is null
                ? await store.AddUsageAsync(userId, period, inputTokens, outputTokens, now, cancellationToken).ConfigureAwait(false)
                : await store.AddUsageAndCountersAsync(
                    userId,
                    period,
                    inputTokens,
                    outputTokens,
                    now,
                    new LimitCounterUpdate(extra.Keys, stored => extra.Recorded(stored, now)) { Usage = byModel, SharedKeys = extra.SharedKeys },
                    cancellationToken).ConfigureAwait(false);
            metrics.StoreCallCompleted("record", tracing.StoreName, started);
            if (!written)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(usage),
                    $"Recording {inputTokens} input and {outputTokens} output tokens would overflow a stored total of the user (the monthly token totals, a limit's counter or the cost by model); nothing was written.");
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
        IReadOnlyList<QuotaLimitStatus> extraLimits;
        var started = Stopwatch.GetTimestamp();
        try
        {
            configuration = await resolver.GetSnapshotAsync(knownVersion: null, cancellationToken).ConfigureAwait(false);
            (profile, var shared) = await resolver.ResolveSubjectsAsync(configuration, userId, cancellationToken).ConfigureAwait(false);
            usage = await store.GetUsageAsync(userId, period, cancellationToken).ConfigureAwait(false);
            var all = ExtraLimitPlan.All(profile, configuration.Prices.Currency, shared);
            extraLimits = all.IsEmpty ? [] : all.Statuses(await store.GetLimitStateAsync(userId, all.Keys, all.SharedKeys, cancellationToken).ConfigureAwait(false), timeProvider.GetUtcNow());
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
            Limits = extraLimits,
        };
    }
}
