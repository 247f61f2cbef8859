using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenQuota;
using TokenQuota.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers TokenQuota in an <see cref="IServiceCollection"/>.</summary>
public static class TokenQuotaServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ITokenQuotaChecker"/>, <see cref="IRateLimitPolicy"/>, <see cref="IConsumptionProfileManager"/>
    /// and <see cref="IUsageReports"/>. An <see cref="IUserDirectory"/> is optional (<c>.UseUserDirectory&lt;T&gt;()</c>).
    /// Chain a store, for example <c>.UseSqlite("Data Source=tokenquota.db")</c>. Services are added with <c>TryAdd</c>,
    /// so a host's own registrations (including <see cref="TimeProvider"/>) win; logging and metrics are optional.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures <see cref="TokenQuotaOptions"/>; validated when the host starts.</param>
    /// <returns>A builder to choose the store with.</returns>
    public static ITokenQuotaBuilder AddTokenQuotas(this IServiceCollection services, Action<TokenQuotaOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<TokenQuotaOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenQuotaOptions>, TokenQuotaOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IQuotaStore>(_ => throw new InvalidOperationException(
            "No TokenQuota store is configured. Chain a store after AddTokenQuotas(), for example services.AddTokenQuotas().UseSqlite(\"Data Source=tokenquota.db\")."));

        services.TryAddSingleton(sp => new TokenQuotaMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(sp => new TokenQuotaTracing(
            sp.GetRequiredService<IQuotaStore>(),
            sp.GetRequiredService<IOptions<TokenQuotaOptions>>().Value.IncludeUserIdInTraces));
        services.TryAddSingleton(sp => new StoreFailureHandler(
            sp.GetRequiredService<IOptions<TokenQuotaOptions>>().Value.FailureMode,
            Logger<TokenQuotaChecker>(sp),
            sp.GetRequiredService<TokenQuotaMetrics>()));
        services.TryAddSingleton(sp => new ProfileResolver(sp.GetRequiredService<IQuotaStore>(), sp.GetRequiredService<IOptions<TokenQuotaOptions>>()));
        services.TryAddSingleton(sp => new RateLimitRules(sp.GetRequiredService<IOptions<TokenQuotaOptions>>()));

        services.TryAddSingleton<ITokenQuotaChecker>(sp => new TokenQuotaChecker(
            sp.GetRequiredService<IQuotaStore>(),
            sp.GetRequiredService<ProfileResolver>(),
            sp.GetRequiredService<RateLimitRules>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<StoreFailureHandler>(),
            sp.GetRequiredService<TokenQuotaMetrics>(),
            sp.GetRequiredService<TokenQuotaTracing>(),
            Logger<TokenQuotaChecker>(sp)));
        services.TryAddSingleton<IRateLimitPolicy>(sp => new RateLimitPolicy(
            sp.GetRequiredService<IQuotaStore>(),
            sp.GetRequiredService<ProfileResolver>(),
            sp.GetRequiredService<RateLimitRules>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<StoreFailureHandler>(),
            sp.GetRequiredService<TokenQuotaMetrics>(),
            sp.GetRequiredService<TokenQuotaTracing>(),
            Logger<RateLimitPolicy>(sp)));
        services.TryAddSingleton<IConsumptionProfileManager>(sp => new ConsumptionProfileManager(
            sp.GetRequiredService<IQuotaStore>(),
            sp.GetRequiredService<ProfileResolver>(),
            Logger<ConsumptionProfileManager>(sp),
            sp.GetService<IUserDirectory>()));
        services.TryAddSingleton<IUsageReports>(sp => new UsageReports(sp.GetRequiredService<IQuotaStore>(), sp.GetRequiredService<ProfileResolver>(), sp.GetRequiredService<TimeProvider>()));

        return new TokenQuotaBuilder(services);
    }

    private static ILogger<T> Logger<T>(IServiceProvider services) =>
        services.GetService<ILogger<T>>() ?? NullLogger<T>.Instance;
}
