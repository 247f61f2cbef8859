using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>The default <see cref="IRateLimitPolicy"/>: fixed UTC windows, judged and charged together in the store.</summary>
internal sealed class RateLimitPolicy(
    IQuotaStore store,
    ProfileResolver resolver,
    RateLimitRules rules,
    TimeProvider timeProvider,
    StoreFailureHandler failures,
    TokenQuotaMetrics metrics,
    TokenQuotaTracing tracing,
    ILogger<RateLimitPolicy> logger) : IRateLimitPolicy
{
    private static readonly RateLimitDecision Unlimited = new() { IsAllowed = true, Message = string.Empty };
    private static readonly RateLimitDecision FailedOpenDecision = new() { IsAllowed = true, Message = string.Empty, FailedOpen = true };

    /// <summary>How many times an attempt refused for a stale configuration is retried with the store's newer version.</summary>
    private const int MaxStaleRetries = 8;

    public ValueTask<RateLimitDecision> AcquirePromptAsync(string userId, CancellationToken cancellationToken = default) =>
        AcquireAsync(userId, isPrompt: true, modelId: null, cancellationToken);

    public ValueTask<RateLimitDecision> AcquirePromptForModelAsync(string userId, string? modelId, CancellationToken cancellationToken = default) =>
        AcquireAsync(userId, isPrompt: true, modelId, cancellationToken);

    public ValueTask<RateLimitDecision> AcquireConfigChangeAsync(string userId, CancellationToken cancellationToken = default) =>
        AcquireAsync(userId, isPrompt: false, modelId: null, cancellationToken);

    private async ValueTask<RateLimitDecision> AcquireAsync(string userId, bool isPrompt, string? modelId, CancellationToken cancellationToken)
    {
        UserIds.Validate(userId);
        ModelIds.Validate(modelId);
        cancellationToken.ThrowIfCancellationRequested();
        var kind = isPrompt ? "prompt" : "config_change";
        var now = timeProvider.GetUtcNow();
        using var activity = tracing.Start("tokenquota.acquire", userId);
        activity?.SetTag(TokenQuotaTracing.KindTag, kind);
        var started = Stopwatch.GetTimestamp();
        try
        {
            // Every store reports its configuration version with each charge, so the cached configuration (profiles and
            // run-time settings) is used without a version read: the charge carries the version it was resolved against,
            // and the store refuses it (writing nothing) if its version has moved on, so the configuration is read again
            // and the attempt retried. One writer request per prompt; a change made by any process still applies to the
            // next attempt. While rate limits are disabled (or nothing is cached yet) nothing is charged, so the version is
            // read instead: that is how a process learns that another one enabled them again.
            var cached = resolver.Cached;
            long? version = cached is { Settings.Enabled: true } ? cached.Version : null;
            var nowSeconds = now.ToUnixTimeSeconds();
            RateWindowCharge[] windows;
            RateWindowChargeResult outcome;
            ExtraLimitRefusal? refusal;
            for (var attempt = 0; ; attempt++)
            {
                var configuration = await resolver.GetSnapshotAsync(version, cancellationToken).ConfigureAwait(false);
                var settings = configuration.Settings;
                if (!settings.Enabled)
                {
                    metrics.RateDecision(kind, "allowed");
                    TokenQuotaTracing.Outcome(activity, "allowed");
                    return Unlimited;
                }

                // Under the global override every user gets the system defaults, so no assignment is read.
                var (profile, shared) = settings.GlobalOverride ? ResolvedSubjects.None : await resolver.ResolveSubjectsAsync(configuration, userId, cancellationToken).ConfigureAwait(false);
                var limits = rules.LimitsFor(profile, settings);
                var tag = configuration.Version;
                windows = isPrompt
                    ?
                    [
                        RateLimitRules.Charge(RateLimitWindow.PromptsPerHour, nowSeconds, limits.PromptsPerHour!.Value, tag),
                        RateLimitRules.Charge(RateLimitWindow.PromptsPerDay, nowSeconds, limits.PromptsPerDay!.Value, tag),
                    ]
                    : [RateLimitRules.Charge(RateLimitWindow.ConfigChangesPerHour, nowSeconds, limits.ConfigChangesPerHour!.Value, tag)];

                var extra = ExtraLimitPlan.ForAttempt(profile, modelId, isPrompt, shared);
                refusal = null;
                outcome = extra.IsEmpty
                    ? await store.TryChargeRateWindowsAsync(userId, windows, cancellationToken).ConfigureAwait(false)
                    : await store.TryChargeRateWindowsAndCountersAsync(
                        userId,
                        windows,
                        new LimitCounterUpdate(extra.Keys, stored => (refusal = extra.Judge(stored, held: null, now, out var rows)) is null ? rows : null) { SharedKeys = extra.SharedKeys },
                        cancellationToken).ConfigureAwait(false);
                if (outcome.Charged || outcome.ConfigurationVersion == tag)
                {
                    break;
                }

                if (attempt >= MaxStaleRetries)
                {
                    throw new TokenQuotaStoreException("The quota configuration kept changing while a rate-limited attempt was judged; nothing was charged.");
                }

                version = outcome.ConfigurationVersion;
            }

            metrics.StoreCallCompleted("acquire", tracing.StoreName, started);
            if (!outcome.Charged && refusal is not null)
            {
                metrics.RateDecision(kind, "denied");
                TokenQuotaTracing.Outcome(activity, "denied");
                return new RateLimitDecision
                {
                    IsAllowed = false,
                    Message = refusal.Message,
                    Remaining = 0,
                    RetryAfter = refusal.RetryAfter ?? TimeSpan.Zero,
                    ResetsAt = refusal.ResetsAt,
                    BindingLimit = refusal.Limit,
                };
            }

            var decision = Decide(windows, outcome, now);
            metrics.RateDecision(kind, decision.IsAllowed ? "allowed" : "denied");
            if (decision.IsAllowed)
            {
                TokenQuotaTracing.Outcome(activity, "allowed");
            }
            else
            {
                var binding = BindingLimit.Of(decision.Window!.Value);
                metrics.Refused(binding);
                TokenQuotaTracing.Refused(activity, binding);
                TokenQuotaLog.RateLimitDenied(logger, userId, decision.Window!.Value, decision.Limit!.Value, decision.RetryAfter);
            }

            return decision;
        }
        catch (Exception ex) when (StoreFailureHandler.IsStoreFailure(ex))
        {
            TokenQuotaTracing.Failed(activity, ex);
            failures.Handle(ex, isPrompt ? "acquire prompt" : "acquire config change", userId);
            metrics.RateDecision(kind, "failed_open");
            TokenQuotaTracing.Outcome(activity, "failed_open");
            return FailedOpenDecision;
        }
    }

    private static RateLimitDecision Decide(RateWindowCharge[] windows, RateWindowChargeResult outcome, DateTimeOffset now)
    {
        if (outcome.Charged)
        {
            // Describe the window with the fewest attempts left.
            var tightest = 0;
            for (var i = 1; i < windows.Length; i++)
            {
                if (windows[i].Limit - outcome.Counts[i] < windows[tightest].Limit - outcome.Counts[tightest])
                {
                    tightest = i;
                }
            }

            return new RateLimitDecision
            {
                IsAllowed = true,
                Message = string.Empty,
                Window = windows[tightest].Window,
                Limit = windows[tightest].Limit,
                Remaining = Math.Max(0, windows[tightest].Limit - outcome.Counts[tightest]),
                ResetsAt = RateLimitRules.EndOf(windows[tightest]),
            };
        }

        // Among the exhausted windows, the one that ends last decides when a retry can succeed.
        var refusing = -1;
        for (var i = 0; i < windows.Length; i++)
        {
            if (outcome.Counts[i] + 1 > windows[i].Limit
                && (refusing < 0 || RateLimitRules.EndOf(windows[i]) > RateLimitRules.EndOf(windows[refusing])))
            {
                refusing = i;
            }
        }

        if (refusing < 0)
        {
            throw new InvalidOperationException("The store refused a rate-limited attempt although no window was exhausted.");
        }

        var window = windows[refusing].Window;
        var resetsAt = RateLimitRules.EndOf(windows[refusing]);
        var retryAfter = resetsAt - now;
        return new RateLimitDecision
        {
            IsAllowed = false,
            Message = RateLimitRules.RefusalMessage(window, windows[refusing].Limit, retryAfter),
            Window = window,
            Limit = windows[refusing].Limit,
            Remaining = 0,
            RetryAfter = retryAfter,
            ResetsAt = resetsAt,
        };
    }
}
