using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenQuota.Storage;

namespace TokenQuota.HealthChecks;

/// <summary>
/// Reports whether the quota store answers a read, and whether its schema is at the version this build expects:
/// Healthy when it is; Degraded when the database is older (a migration is due, which the store runs on first use unless
/// auto-migration is off); Unhealthy when it is newer (this build refuses it) or the store does not answer.
/// </summary>
/// <param name="store">The store the host's TokenQuota uses.</param>
public sealed class TokenQuotaStoreHealthCheck(IQuotaStore store) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var storeName = store.StoreName;
        QuotaSchemaVersion schema;
        try
        {
            schema = await store.GetSchemaVersionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(
                context.Registration.FailureStatus,
                $"The {storeName} quota store did not answer: {ex.Message}",
                ex,
                new Dictionary<string, object> { ["store"] = storeName });
        }

        var data = new Dictionary<string, object>
        {
            ["store"] = storeName,
            ["schema_version"] = schema.Current,
            ["expected_schema_version"] = schema.Expected,
        };
        if (schema.IsNewer)
        {
            return new HealthCheckResult(
                context.Registration.FailureStatus,
                string.Create(CultureInfo.InvariantCulture, $"The {storeName} quota store's schema is at version {schema.Current}, newer than this build knows ({schema.Expected}): upgrade this process."),
                data: data);
        }

        if (schema.IsOlder)
        {
            return HealthCheckResult.Degraded(
                string.Create(CultureInfo.InvariantCulture, $"The {storeName} quota store's schema is at version {schema.Current}, older than this build expects ({schema.Expected}): run tokenquota migrate, or let the store migrate on first use."),
                data: data);
        }

        return HealthCheckResult.Healthy(
            string.Create(CultureInfo.InvariantCulture, $"The {storeName} quota store answers; schema version {schema.Current}."),
            data);
    }
}
