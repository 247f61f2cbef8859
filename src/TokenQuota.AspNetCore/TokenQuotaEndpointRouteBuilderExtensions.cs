using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenQuota.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps TokenQuota's HTTP API: the consumption-profile administration and each user's quota status.</summary>
public static class TokenQuotaEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the seed's routes under <paramref name="prefix"/> (default <c>/api/v1/auth</c>), plus activation, default,
    /// bulk assignment, usage reports, the audit log, the run-time rate-limit settings and the model price catalogue:
    /// <list type="bullet">
    /// <item><c>GET|POST /admin/consumption-profiles</c>, <c>GET|PUT|DELETE /admin/consumption-profiles/{id}</c></item>
    /// <item><c>POST /admin/consumption-profiles/{id}/activate|deactivate|set-default</c>, <c>GET /admin/consumption-profiles/{id}/users</c></item>
    /// <item><c>PUT /admin/users/{userId}/consumption-profile</c>, <c>GET /admin/users/{userId}/consumption-profile</c>, <c>PUT /admin/users/consumption-profile</c> (bulk)</item>
    /// <item><c>GET /admin/usage</c>, <c>GET /admin/usage/periods</c>, <c>GET /admin/usage/users/{userId}</c>, <c>GET /admin/audit-log</c></item>
    /// <item><c>GET /admin/usage/models</c>, <c>GET /admin/usage/models.csv</c>: a month's usage by user and model (<c>?group=model</c>: per model) with its cost, as JSON or a CSV download</item>
    /// <item><c>GET|PUT /admin/rate-limit-settings</c>: the run-time <see cref="TokenQuota.RateLimitSettings"/>, with the seed's keys <c>rate_limit_enabled</c> and <c>rate_limit_global_override</c></item>
    /// <item><c>GET|POST|DELETE /admin/model-prices</c>, <c>POST /admin/model-prices/import</c>: the price catalogue of cost limits (<see cref="TokenQuota.ModelPrice"/>), in <see cref="TokenQuota.TokenQuotaOptions.Currency"/></item>
    /// <item><c>GET /user/quota-status</c>: the caller's own status, the user id read from the configured claim</item>
    /// </list>
    /// Admin routes require <see cref="TokenQuotaAspNetCoreOptions.AdminPolicy"/>, or by default the role
    /// <see cref="TokenQuotaAspNetCoreOptions.AdminRole"/>; the status route requires an authenticated user. The host
    /// must add authentication and authorization (<c>AddAuthentication</c>, <c>AddAuthorization</c>).
    /// </summary>
    /// <param name="endpoints">The application's endpoint builder, for example the <c>WebApplication</c>.</param>
    /// <param name="prefix">The route prefix of every route.</param>
    /// <returns>The group of the mapped routes, to add more conventions to.</returns>
    public static RouteGroupBuilder MapTokenQuotaEndpoints(this IEndpointRouteBuilder endpoints, string prefix = "/api/v1/auth")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var options = endpoints.ServiceProvider.GetService<IOptions<TokenQuotaAspNetCoreOptions>>()?.Value ?? new TokenQuotaAspNetCoreOptions();
        var group = endpoints.MapGroup(prefix);
        group.WithTags("TokenQuota");

        // Authorization first, so nothing about the request is judged before the caller; then the one exception mapping.
        var admin = group.MapGroup("/admin");
        admin.AddEndpointFilter(SeedAuthorizationFilter.Admin(options.AdminPolicy, options.AdminRole));
        admin.AddEndpointFilter(ProblemMapper.Instance);
        ProfileEndpoints.Map(admin);
        AssignmentEndpoints.Map(admin);
        ReportEndpoints.Map(admin);
        AuditEndpoints.Map(admin);
        RateLimitSettingsEndpoints.Map(admin);
        ModelPriceEndpoints.Map(admin);

        StatusEndpoints.Map(group).AddEndpointFilter(SeedAuthorizationFilter.SignedIn()).AddEndpointFilter(ProblemMapper.Instance);
        return group;
    }
}
