using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace TokenQuota.AspNetCore;

/// <summary>Builds the 429 answer of a refused call: ProblemDetails with the decision, and the rate-limit headers.</summary>
internal static class QuotaRejection
{
    public const string Type = "https://tools.ietf.org/html/rfc6585#section-4";

    /// <summary>The figures of one refusal; <c>QuotaInfo</c> is the seed's <c>quota_info</c> of a token refusal.</summary>
    public sealed record Figures(string Message, string LimitName, long? Limit, long? Used, long? Remaining, long? Requested, DateTimeOffset? ResetsAt, TimeSpan RetryAfter)
    {
        public IReadOnlyDictionary<string, long?>? QuotaInfo { get; init; }
    }

    public static Figures ForTokens(QuotaCheckResult check, DateTimeOffset now)
    {
        if (check.BindingLimit is { } limit)
        {
            var resets = check.ResetsAt;
            return new Figures(check.Message, limit.Name, limit.Amount, null, null, null, resets, check.RetryAfter ?? (resets > now ? resets.Value - now : TimeSpan.Zero));
        }

        var input = check.DeniedDimension != TokenDimension.Output;
        var figures = input ? check.Input : check.Output;
        var resetsAt = check.Period.End;
        return new Figures(
            check.Message,
            input ? "input_tokens_per_month" : "output_tokens_per_month",
            figures.Limit,
            figures.Used,
            figures.Remaining,
            figures.Requested,
            resetsAt,
            resetsAt > now ? resetsAt - now : TimeSpan.Zero)
        {
            // The seed's check_token_quota() shape, with the real figures of both dimensions.
            QuotaInfo = new Dictionary<string, long?>(StringComparer.Ordinal)
            {
                ["input_limit"] = check.Input.Limit,
                ["output_limit"] = check.Output.Limit,
                ["input_used"] = check.Input.Used,
                ["output_used"] = check.Output.Used,
                ["input_remaining"] = check.Input.Remaining,
                ["output_remaining"] = check.Output.Remaining,
            },
        };
    }

    public static Figures ForRate(RateLimitDecision decision)
    {
        var name = decision.Window switch
        {
            RateLimitWindow.PromptsPerHour => "prompts_per_hour",
            RateLimitWindow.PromptsPerDay => "prompts_per_day",
            RateLimitWindow.ConfigChangesPerHour => "config_changes_per_hour",
            _ => "rate_limit",
        };
        long? used = decision.Limit is { } limit ? limit - Math.Max(0, decision.Remaining ?? 0) : null;
        return decision.BindingLimit is { } extra
            ? new Figures(decision.Message, extra.Name, extra.Amount, null, 0, 1, decision.ResetsAt, decision.RetryAfter)
            : new Figures(decision.Message, name, decision.Limit, used, decision.Remaining, 1, decision.ResetsAt, decision.RetryAfter);
    }


    /// <summary>Writes the headers on the response and returns the ProblemDetails.</summary>
    public static ProblemDetails Apply(HttpContext http, Figures figures)
    {
        var retrySeconds = Seconds(figures.RetryAfter);
        var headers = http.Response.Headers;
        headers.RetryAfter = retrySeconds.ToString(CultureInfo.InvariantCulture);
        if (figures.Limit is { } limit)
        {
            headers["RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
        }

        headers["RateLimit-Remaining"] = (figures.Remaining ?? 0).ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Reset"] = retrySeconds.ToString(CultureInfo.InvariantCulture);

        var problem = new ProblemDetails
        {
            Type = Type,
            Title = "Too Many Requests",
            Status = StatusCodes.Status429TooManyRequests,
            Detail = figures.Message,
        };
        problem.Extensions["message"] = figures.Message;
        problem.Extensions["limit_name"] = figures.LimitName;
        problem.Extensions["limit"] = figures.Limit;
        problem.Extensions["used"] = figures.Used;
        problem.Extensions["remaining"] = figures.Remaining;
        problem.Extensions["requested"] = figures.Requested;
        problem.Extensions["resets_at"] = figures.ResetsAt;
        problem.Extensions["retry_after_seconds"] = retrySeconds;

        // The seed's 429 body was {"error": message, "quota_info": {...}}: clients written against it keep working.
        problem.Extensions["error"] = figures.Message;
        if (figures.QuotaInfo is { } quotaInfo)
        {
            problem.Extensions["quota_info"] = quotaInfo;
        }

        return problem;
    }

    /// <summary>Sets the <c>RateLimit-*</c> headers of an admitted call from its prompt decision.</summary>
    public static void ApplyAdmitted(HttpContext http, RateLimitDecision decision, DateTimeOffset now)
    {
        if (decision.Limit is not { } limit || http.Response.HasStarted)
        {
            return;
        }

        var headers = http.Response.Headers;
        headers["RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Remaining"] = Math.Max(0, decision.Remaining ?? 0).ToString(CultureInfo.InvariantCulture);
        if (decision.ResetsAt is { } resetsAt)
        {
            headers["RateLimit-Reset"] = Seconds(resetsAt > now ? resetsAt - now : TimeSpan.Zero).ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Whole seconds, rounded up, at least 1 (a zero <c>Retry-After</c> invites a hot retry loop).</summary>
    private static long Seconds(TimeSpan span) => Math.Max(1, (long)Math.Ceiling(span.TotalSeconds));
}
