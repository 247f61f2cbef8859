namespace TokenQuota.Storage;

/// <summary>The schema version a database is at and the version a store build migrates it to (see <see cref="IQuotaStore.GetSchemaVersionAsync"/>).</summary>
/// <param name="Current">The database's version; 0 when it holds no TokenQuota schema.</param>
/// <param name="Expected">The newest version this store build knows.</param>
public readonly record struct QuotaSchemaVersion(long Current, long Expected)
{
    /// <summary>Gets whether the database is older than this build expects (a migration is due).</summary>
    public bool IsOlder => Current < Expected;

    /// <summary>Gets whether the database was migrated by a newer build, which this one refuses.</summary>
    public bool IsNewer => Current > Expected;
}
