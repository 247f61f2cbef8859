using Microsoft.AspNetCore.Http;
using TokenQuota;
using TokenQuota.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Guards a host's own endpoints (for example a chat endpoint) with the caller's token quota and prompt rate limits.</summary>
public static class TokenQuotaEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Admits a call only when the user (read from <see cref="TokenQuotaAspNetCoreOptions.UserIdClaimType"/>) has a
    /// prompt left in its hourly and daily windows; reserves no tokens but refuses a user already over a monthly limit.
    /// See <see cref="RequireTokenQuota{TBuilder}(TBuilder, Func{EndpointFilterInvocationContext, TokenEstimate})"/>.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint builder type.</typeparam>
    /// <param name="builder">The endpoint or group.</param>
    /// <returns>The same builder.</returns>
    public static TBuilder RequireTokenQuota<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireTokenQuota(static _ => default);

    /// <summary>
    /// Reserves a fixed estimate and admits one prompt before the endpoint runs. See
    /// <see cref="RequireTokenQuota{TBuilder}(TBuilder, Func{EndpointFilterInvocationContext, TokenEstimate})"/>.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint builder type.</typeparam>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="estimatedInputTokens">The input tokens to reserve (≥ 0).</param>
    /// <param name="estimatedOutputTokens">The output tokens to reserve (≥ 0).</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or above <see cref="TokenCounts.MaxPerCall"/>.</exception>
    public static TBuilder RequireTokenQuota<TBuilder>(this TBuilder builder, long estimatedInputTokens, long estimatedOutputTokens)
        where TBuilder : IEndpointConventionBuilder
    {
        TokenCounts.Validate(estimatedInputTokens);
        TokenCounts.Validate(estimatedOutputTokens);
        var estimate = new TokenEstimate(estimatedInputTokens, estimatedOutputTokens);
        return builder.RequireTokenQuota(_ => estimate);
    }

    /// <summary>
    /// Guards the endpoint with the caller's quota. Before it runs: the estimate (computed from the bound arguments,
    /// for example the prompt's length) is reserved against the monthly token limits, then one prompt is admitted
    /// against the hourly and daily limits. A refusal answers 429 ProblemDetails naming the limit, its figures and its
    /// reset time, with <c>Retry-After</c> and <c>RateLimit-Limit</c>/<c>RateLimit-Remaining</c>/<c>RateLimit-Reset</c>
    /// headers; an unauthenticated caller gets 401 and a store failure 503. After it runs: the actual usage is
    /// committed, taken from <see cref="ITokenQuotaFeature.ReportUsage"/>, else from an <see cref="ITokenUsageReport"/>
    /// result, else the estimate. If the endpoint throws, the reservation is released and nothing is recorded.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint builder type.</typeparam>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="estimate">Computes the tokens to reserve from the invocation (its arguments and <c>HttpContext</c>).</param>
    /// <returns>The same builder.</returns>
    public static TBuilder RequireTokenQuota<TBuilder>(this TBuilder builder, Func<EndpointFilterInvocationContext, TokenEstimate> estimate)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(estimate);
        builder.AddEndpointFilter(new TokenQuotaEndpointFilter(estimate));
        return builder;
    }
}
