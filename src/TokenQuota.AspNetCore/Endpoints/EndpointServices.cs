using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TokenQuota.AspNetCore;

/// <summary>What every endpoint reads from the request: the library's services, the options and the caller.</summary>
internal static class EndpointServices
{
    public static IConsumptionProfileManager Manager(HttpContext http) => http.RequestServices.GetRequiredService<IConsumptionProfileManager>();

    public static IUsageReports Reports(HttpContext http) => http.RequestServices.GetRequiredService<IUsageReports>();

    public static ITokenQuotaChecker Checker(HttpContext http) => http.RequestServices.GetRequiredService<ITokenQuotaChecker>();

    // A host that never called ConfigureAspNetCore still gets the documented defaults.
    public static TokenQuotaAspNetCoreOptions Options(HttpContext http) =>
        http.RequestServices.GetService<IOptions<TokenQuotaAspNetCoreOptions>>()?.Value ?? new TokenQuotaAspNetCoreOptions();

    /// <summary>
    /// The installation's one currency (<see cref="TokenQuotaOptions.Currency"/>) that prices and costs are kept in;
    /// answering it lets a client show amounts with their symbol.
    /// </summary>
    public static string Currency(HttpContext http) =>
        http.RequestServices.GetService<IOptions<TokenQuotaOptions>>()?.Value.Currency ?? new TokenQuotaOptions().Currency;

    public static TimeProvider Time(HttpContext http) => http.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;

    /// <summary>The caller's user id from the configured claim, or <see langword="null"/> when it has none.</summary>
    public static string? UserId(HttpContext http)
    {
        var value = http.User.FindFirst(Options(http).UserIdClaimType)?.Value;
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>Who the audit log names: the user id, else the identity's name.</summary>
    public static string? Actor(HttpContext http) => UserId(http) ?? http.User.Identity?.Name ?? http.User.FindFirst(ClaimTypes.Name)?.Value;
}
