using System.Security.Claims;

namespace TokenQuota.AspNetCore;

/// <summary>
/// Options of the ASP.NET Core integration, set with <c>services.AddTokenQuotas().ConfigureAspNetCore(o =&gt; …)</c>.
/// They are read when <c>MapTokenQuotaEndpoints()</c> runs and on every request of <c>RequireTokenQuota()</c>.
/// </summary>
public sealed class TokenQuotaAspNetCoreOptions
{
    /// <summary>The largest request body accepted by default: 64 KiB.</summary>
    public const long DefaultMaxRequestBodySize = 64 * 1024;

    /// <summary>
    /// Gets or sets the name of the authorization policy the admin routes require. When <see langword="null"/> (the
    /// default), they require an authenticated user in the role <see cref="AdminRole"/>.
    /// </summary>
    public string? AdminPolicy { get; set; }

    /// <summary>Gets or sets the role the admin routes require when <see cref="AdminPolicy"/> is not set. Defaults to <c>admin</c>.</summary>
    public string AdminRole { get; set; } = "admin";

    /// <summary>
    /// Gets or sets the claim that holds the caller's user id, the id quotas are kept under. Defaults to
    /// <see cref="ClaimTypes.NameIdentifier"/>. The user id is never taken from the request itself.
    /// </summary>
    public string UserIdClaimType { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>
    /// Gets or sets the largest JSON body, in bytes, that the admin routes read; a larger one is refused with 413.
    /// Defaults to <see cref="DefaultMaxRequestBodySize"/>.
    /// </summary>
    public long MaxRequestBodySize { get; set; } = DefaultMaxRequestBodySize;

    /// <summary>
    /// Gets or sets how long a reservation made by <c>RequireTokenQuota()</c> holds its estimate if the process dies
    /// before committing. Defaults to <see cref="QuotaReservationOptions.DefaultTtl"/>.
    /// </summary>
    public TimeSpan ReservationTtl { get; set; } = QuotaReservationOptions.DefaultTtl;
}
