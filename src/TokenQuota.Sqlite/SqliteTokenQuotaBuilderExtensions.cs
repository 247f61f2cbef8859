using Microsoft.Extensions.DependencyInjection.Extensions;
using TokenQuota;
using TokenQuota.Sqlite;
using TokenQuota.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the SQLite store for TokenQuota.</summary>
public static class SqliteTokenQuotaBuilderExtensions
{
    /// <summary>
    /// Stores quotas in a SQLite file, for example <c>services.AddTokenQuotas().UseSqlite("Data Source=tokenquota.db")</c>.
    /// The schema is created and migrated on first use.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddTokenQuotas()</c>.</param>
    /// <param name="connectionString">The Microsoft.Data.Sqlite connection string.</param>
    /// <param name="configure">Adjusts the store options (busy timeout, automatic migration).</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentException">The connection string or options are invalid.</exception>
    public static ITokenQuotaBuilder UseSqlite(this ITokenQuotaBuilder builder, string connectionString, Action<SqliteQuotaStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connectionString);
        var options = new SqliteQuotaStoreOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        SqliteQuotaStoreOptionsValidator.ThrowIfInvalid(options);
        builder.Services.Replace(ServiceDescriptor.Singleton<IQuotaStore>(sp =>
        {
            var metrics = sp.GetRequiredService<TokenQuotaMetrics>();
            var store = new SqliteQuotaStore(options, sp.GetService<TimeProvider>());
            store.ExpiredHoldsSwept = holds => metrics.ReservationsExpired(holds, store.StoreName);
            return store;
        }));
        return builder;
    }
}
