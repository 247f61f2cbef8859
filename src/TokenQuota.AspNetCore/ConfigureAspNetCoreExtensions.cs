using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TokenQuota;
using TokenQuota.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures TokenQuota's ASP.NET Core integration.</summary>
public static class TokenQuotaAspNetCoreBuilderExtensions
{
    /// <summary>
    /// Sets the options of the endpoints and the endpoint filter, for example
    /// <c>services.AddTokenQuotas().UseSqlite(cs).ConfigureAspNetCore(o =&gt; o.AdminPolicy = "ops")</c>.
    /// Without it the defaults of <see cref="TokenQuotaAspNetCoreOptions"/> apply. The options are validated when the host
    /// starts: a blank policy, role or claim type, a body limit below one byte or a reservation TTL outside (0, 24 h] stops
    /// it with an <see cref="OptionsValidationException"/> naming the option.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddTokenQuotas()</c>.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The same builder.</returns>
    public static ITokenQuotaBuilder ConfigureAspNetCore(this ITokenQuotaBuilder builder, Action<TokenQuotaAspNetCoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<TokenQuotaAspNetCoreOptions>().Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenQuotaAspNetCoreOptions>, TokenQuotaAspNetCoreOptionsValidator>());
        return builder;
    }
}
