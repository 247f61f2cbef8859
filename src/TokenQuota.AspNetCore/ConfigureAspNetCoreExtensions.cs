using TokenQuota;
using TokenQuota.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures TokenQuota's ASP.NET Core integration.</summary>
public static class TokenQuotaAspNetCoreBuilderExtensions
{
    /// <summary>
    /// Sets the options of the endpoints and the endpoint filter, for example
    /// <c>services.AddTokenQuotas().UseSqlite(cs).ConfigureAspNetCore(o =&gt; o.AdminPolicy = "ops")</c>.
    /// Without it the defaults of <see cref="TokenQuotaAspNetCoreOptions"/> apply.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddTokenQuotas()</c>.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The same builder.</returns>
    public static ITokenQuotaBuilder ConfigureAspNetCore(this ITokenQuotaBuilder builder, Action<TokenQuotaAspNetCoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }
}
