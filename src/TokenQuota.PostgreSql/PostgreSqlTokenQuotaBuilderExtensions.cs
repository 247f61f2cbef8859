using Microsoft.Extensions.DependencyInjection.Extensions;
using TokenQuota;
using TokenQuota.PostgreSql;
using TokenQuota.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the PostgreSQL store for TokenQuota.</summary>
public static class PostgreSqlTokenQuotaBuilderExtensions
{
    /// <summary>
    /// Stores quotas in PostgreSQL, shared by every application instance that uses the same database and schema, for
    /// example <c>services.AddTokenQuotas().UsePostgreSql(connectionString, o =&gt; o.Schema = "tokenquota")</c>.
    /// The schema is created and migrated on first use (or ahead of a deployment with <c>tokenquota migrate --provider postgres</c>).
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddTokenQuotas()</c>.</param>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <param name="configure">Adjusts the store options (schema, command timeout, automatic migration).</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentException">The connection string or options are invalid.</exception>
    public static ITokenQuotaBuilder UsePostgreSql(this ITokenQuotaBuilder builder, string connectionString, Action<PostgreSqlQuotaStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connectionString);
        var options = new PostgreSqlQuotaStoreOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        PostgreSqlQuotaStoreOptionsValidator.ThrowIfInvalid(options);
        builder.Services.Replace(ServiceDescriptor.Singleton<IQuotaStore>(sp =>
        {
            var metrics = sp.GetRequiredService<TokenQuotaMetrics>();
            var store = new PostgreSqlQuotaStore(options, sp.GetService<TimeProvider>());
            store.ExpiredHoldsSwept = holds => metrics.ReservationsExpired(holds, store.StoreName);
            return store;
        }));
        return builder;
    }
}
