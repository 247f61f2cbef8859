using System.Diagnostics;
using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>
/// The spans of the <c>TokenQuota</c> activity source: one per operation, with low-cardinality attributes only (the
/// user id only when the host opts in with <see cref="TokenQuotaOptions.IncludeUserIdInTraces"/>; never prompt text).
/// One instance per service provider; the source itself is shared, as activity sources are.
/// </summary>
internal sealed class TokenQuotaTracing(IQuotaStore store, bool includeUserId)
{
    private string? storeName;

    public const string StoreTag = "tokenquota.store";
    public const string OutcomeTag = "tokenquota.outcome";
    public const string LimitMeterTag = "tokenquota.limit.meter";
    public const string LimitWindowTag = "tokenquota.limit.window";
    public const string KindTag = "tokenquota.rate_limit.kind";
    public const string BatchSizeTag = "tokenquota.batch.size";

    public static readonly ActivitySource Source = new(TokenQuotaDiagnostics.ActivitySourceName, typeof(TokenQuotaTracing).Assembly.GetName().Version?.ToString(3));

    /// <summary>Gets the store's name as the <c>tokenquota.store</c> attribute gives it (read from the store on first use).</summary>
    public string StoreName => storeName ??= store.StoreName ?? "unknown";

    /// <summary>Starts the span of one operation (<c>tokenquota.{operation}</c>), or returns <see langword="null"/> when nobody listens.</summary>
    public Activity? Start(string spanName, string userId)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(spanName, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(StoreTag, StoreName);
            if (includeUserId)
            {
                activity.SetTag("user.id", userId);
            }
        }

        return activity;
    }

    /// <summary>The span of the writer batch a store is running, when a traced caller queued the write.</summary>
    /// <returns>The caller's TokenQuota span, or <see langword="null"/>.</returns>
    public static Activity? CurrentOperation() =>
        Activity.Current is { IsAllDataRequested: true } current && ReferenceEquals(current.Source, Source) ? current : null;

    public static void Outcome(Activity? activity, string outcome) => activity?.SetTag(OutcomeTag, outcome);

    public static void Refused(Activity? activity, BindingLimit limit)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(OutcomeTag, "denied");
        activity.SetTag(LimitMeterTag, limit.Meter);
        activity.SetTag(LimitWindowTag, limit.Window);
    }

    /// <summary>
    /// Marks a span failed by the store, with the exception's type only (store messages may carry ids the host did not
    /// opt into). Under fail-open the outcome is then set to <c>failed_open</c> by the caller.
    /// </summary>
    public static void Failed(Activity? activity, Exception exception)
    {
        activity?.SetTag("error.type", exception.GetType().FullName);
        activity?.SetStatus(ActivityStatusCode.Error);
    }
}
