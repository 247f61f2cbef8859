using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace TokenQuota.Extensions.AI;

/// <summary>
/// The chat client's span, <c>tokenquota.chat</c>, on the <c>TokenQuota</c> activity source: the parent of the acquire,
/// reserve and commit spans of one call, and a child of Microsoft.Extensions.AI's own chat span when
/// <c>UseOpenTelemetry()</c> comes before <c>UseTokenQuotas()</c> in the pipeline.
/// </summary>
internal static class ChatClientTracing
{
    public const string SpanName = "tokenquota.chat";

    private static readonly ActivitySource Source = new(TokenQuotaDiagnostics.ActivitySourceName, typeof(ChatClientTracing).Assembly.GetName().Version?.ToString(3));

    /// <summary>Starts the span of one call, with the model the caller asked for (OpenTelemetry's <c>gen_ai.request.model</c>).</summary>
    public static Activity? Start(ChatOptions? options, bool streaming)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(SpanName, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.request.model", options?.ModelId);
            activity.SetTag("tokenquota.chat.streaming", streaming);
        }

        return activity;
    }

    /// <summary>Makes the call's span current for one step of a stream; returns what was current, for <see cref="Leave"/>.</summary>
    public static Activity? Enter(Activity? activity)
    {
        var previous = Activity.Current;
        if (activity is not null)
        {
            Activity.Current = activity;
        }

        return previous;
    }

    /// <summary>Gives the consumer back the span that was current before <see cref="Enter"/>.</summary>
    public static void Leave(Activity? activity, Activity? previous)
    {
        if (activity is not null)
        {
            Activity.Current = previous;
        }
    }

    public static void Completed(Activity? activity, string? responseModel)
    {
        activity?.SetTag("gen_ai.response.model", responseModel);
        activity?.SetTag("tokenquota.outcome", "completed");
    }

    public static void Abandoned(Activity? activity) => activity?.SetTag("tokenquota.outcome", "abandoned");

    /// <summary>Ends the span with the way the call failed: refused by a quota, cancelled, or an error (by type only).</summary>
    public static void Failed(Activity? activity, Exception exception, CancellationToken cancellationToken)
    {
        if (activity is null)
        {
            return;
        }

        switch (exception)
        {
            case TokenQuotaExceededException refused:
                activity.SetTag("tokenquota.outcome", "denied");
                activity.SetTag("tokenquota.chat.reason", refused.Reason == TokenQuotaRefusalReason.RateLimit ? "rate_limit" : "token_quota");
                break;
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                activity.SetTag("tokenquota.outcome", "cancelled");
                break;
            default:
                activity.SetTag("tokenquota.outcome", "failed");
                activity.SetTag("error.type", exception.GetType().FullName);
                activity.SetStatus(ActivityStatusCode.Error);
                break;
        }
    }
}
