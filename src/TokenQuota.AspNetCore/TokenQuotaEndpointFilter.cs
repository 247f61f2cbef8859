using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TokenQuota.AspNetCore;

/// <summary>The filter of <c>RequireTokenQuota()</c>: reserve the estimate, admit a prompt, run, commit the actual usage.</summary>
internal sealed class TokenQuotaEndpointFilter(Func<EndpointFilterInvocationContext, TokenEstimate> estimator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        if (http.User.Identity?.IsAuthenticated != true)
        {
            return ApiResults.Problem(StatusCodes.Status401Unauthorized, "Unauthorized", "Authentication required. Please login.");
        }

        var userId = EndpointServices.UserId(http);
        if (userId is null)
        {
            return ApiResults.Problem(StatusCodes.Status403Forbidden, "Forbidden", "The signed-in user has no user id claim.");
        }

        TokenEstimate estimate;
        try
        {
            estimate = estimator(context);
            TokenCounts.Validate(estimate.InputTokens);
            TokenCounts.Validate(estimate.OutputTokens);
        }
        catch (ArgumentException ex)
        {
            return ApiResults.Problem(StatusCodes.Status400BadRequest, "Bad request", ex.Message);
        }

        var options = EndpointServices.Options(http);
        var time = EndpointServices.Time(http);
        var checker = services.GetRequiredService<ITokenQuotaChecker>();
        var rates = services.GetRequiredService<IRateLimitPolicy>();
        QuotaReservationResult reserved;
        try
        {
            reserved = await checker.ReserveAsync(
                userId, estimate.InputTokens, estimate.OutputTokens, new QuotaReservationOptions { Ttl = options.ReservationTtl, ModelId = estimate.ModelId }, http.RequestAborted);
        }
        catch (TokenQuotaStoreException ex)
        {
            return ApiResults.Problem(StatusCodes.Status503ServiceUnavailable, "Quota store unavailable", ex.Message);
        }
        catch (ArgumentException ex)
        {
            return ApiResults.Problem(StatusCodes.Status400BadRequest, "Bad request", ex.Message);
        }

        if (!reserved.IsAllowed)
        {
            return TypedResults.Problem(QuotaRejection.Apply(http, QuotaRejection.ForTokens(reserved.Check, time.GetUtcNow())));
        }

        await using var reservation = reserved.Reservation;
        RateLimitDecision decision;
        try
        {
            decision = await rates.AcquirePromptForModelAsync(userId, estimate.ModelId, http.RequestAborted);
        }
        catch (TokenQuotaStoreException ex)
        {
            return ApiResults.Problem(StatusCodes.Status503ServiceUnavailable, "Quota store unavailable", ex.Message);
        }

        if (!decision.IsAllowed)
        {
            // Disposing the reservation (end of scope) releases the estimate: a refused prompt holds no tokens.
            return TypedResults.Problem(QuotaRejection.Apply(http, QuotaRejection.ForRate(decision)));
        }

        QuotaRejection.ApplyAdmitted(http, decision, time.GetUtcNow());
        var feature = new TokenQuotaFeature(userId, estimate, decision);
        http.Features.Set<ITokenQuotaFeature>(feature);
        var result = await next(context);

        var usage = feature.ReportedUsage ?? UsageOf(result) ?? estimate;
        try
        {
            await reservation.CommitAsync(usage.InputTokens, usage.OutputTokens, CancellationToken.None);
        }
        catch (Exception ex) when (ex is TokenQuotaException or ArgumentException or InvalidOperationException)
        {
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger("TokenQuota.AspNetCore") ?? NullLogger.Instance;
            logger.LogWarning(ex, "Could not commit the token usage of user {UserId} ({Input} input, {Output} output); the reservation stays held until its TTL.", userId, usage.InputTokens, usage.OutputTokens);
        }

        return result;
    }

    private static TokenEstimate? UsageOf(object? result) => result switch
    {
        ITokenUsageReport report => new TokenEstimate(report.InputTokens, report.OutputTokens),
        IValueHttpResult { Value: ITokenUsageReport report } => new TokenEstimate(report.InputTokens, report.OutputTokens),
        _ => null,
    };
}
