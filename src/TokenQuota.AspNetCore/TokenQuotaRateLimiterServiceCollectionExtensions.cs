using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using TokenQuota;
using TokenQuota.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="TokenQuotaRateLimiter"/> with ASP.NET Core's rate-limiting middleware.</summary>
public static class TokenQuotaRateLimiterServiceCollectionExtensions
{
    /// <summary>
    /// Calls <c>AddRateLimiter</c> and sets its <c>GlobalLimiter</c> to a <see cref="TokenQuotaRateLimiter"/>, its
    /// rejection status to 429 and its <c>OnRejected</c> to <see cref="TokenQuotaRateLimiter.OnRejectedAsync"/>. Add
    /// <c>app.UseRateLimiter()</c> after <c>UseAuthentication()</c>.
    /// </summary>
    /// <param name="services">The service collection; <c>AddTokenQuotas()</c> must register the policy.</param>
    /// <param name="userIdSelector">
    /// Returns the user id a request counts against, or <see langword="null"/> to let it through uncounted. Defaults to
    /// the claim <see cref="TokenQuotaAspNetCoreOptions.UserIdClaimType"/> of an authenticated user.
    /// </param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddTokenQuotaRateLimiter(this IServiceCollection services, Func<HttpContext, string?>? userIdSelector = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = TokenQuotaRateLimiter.OnRejectedAsync;
        });
        services.AddOptions<RateLimiterOptions>().Configure<IRateLimitPolicy, IOptions<TokenQuotaAspNetCoreOptions>>((o, policy, options) =>
        {
            var claim = options.Value.UserIdClaimType;
            o.GlobalLimiter = new TokenQuotaRateLimiter(
                policy,
                userIdSelector ?? (http => http.User.Identity?.IsAuthenticated == true ? http.User.FindFirstValue(claim) : null));
        });
        return services;
    }
}
