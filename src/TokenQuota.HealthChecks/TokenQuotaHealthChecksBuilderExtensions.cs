using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenQuota;
using TokenQuota.HealthChecks;
using TokenQuota.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds TokenQuota's checks to an <see cref="IHealthChecksBuilder"/>.</summary>
public static class TokenQuotaHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="TokenQuotaStoreHealthCheck"/>: the quota store answers a read within
    /// <see cref="TokenQuotaHealthCheckOptions.Timeout"/>, and its schema is at the version this build expects. Tagged
    /// <c>tokenquota</c> and <c>ready</c> by default. Needs <c>AddTokenQuotas()</c> with a store.
    /// </summary>
    /// <param name="builder">The health checks builder, from <c>services.AddHealthChecks()</c>.</param>
    /// <param name="configure">Changes the name, timeout or tags.</param>
    /// <returns>The builder, to chain more checks.</returns>
    /// <exception cref="ArgumentException">The options are invalid (an empty name, or a timeout not above zero).</exception>
    public static IHealthChecksBuilder AddTokenQuotaHealthChecks(this IHealthChecksBuilder builder, Action<TokenQuotaHealthCheckOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new TokenQuotaHealthCheckOptions();
        configure?.Invoke(options);
        TokenQuotaHealthCheckOptionsValidator.ThrowIfInvalid(options);
        return builder.Add(new HealthCheckRegistration(
            options.Name,
            sp => new TokenQuotaStoreHealthCheck(sp.GetRequiredService<IQuotaStore>()),
            HealthStatus.Unhealthy,
            options.Tags.ToArray(),
            options.Timeout));
    }
}
