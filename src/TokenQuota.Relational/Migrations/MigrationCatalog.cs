using System.Reflection;

namespace TokenQuota.Relational;

/// <summary>A store's embedded migrations, and which of them a schema at a given version still needs.</summary>
/// <param name="assembly">The store assembly.</param>
/// <param name="resourcePrefix">The resource-name prefix of its migrations, for example <c>TokenQuota.Sqlite.Migrations.</c>.</param>
internal sealed class MigrationCatalog(Assembly assembly, string resourcePrefix)
{
    /// <summary>Gets every migration, lowest version first.</summary>
    public IReadOnlyList<EmbeddedMigration> All { get; } = EmbeddedMigration.LoadAll(assembly, resourcePrefix);

    /// <summary>Gets the newest schema version the store knows.</summary>
    public int LatestVersion => All[^1].Version;

    /// <summary>The migrations above <paramref name="current"/>, lowest first, to apply in order.</summary>
    /// <param name="current">The schema's version.</param>
    /// <param name="describeSchema">Names the schema at that version in the refusal, e.g. <c>The TokenQuota database 'x' has schema version 9</c>.</param>
    /// <returns>The pending migrations.</returns>
    /// <exception cref="TokenQuotaStoreException">The schema was migrated by a newer TokenQuota.</exception>
    public IReadOnlyList<EmbeddedMigration> Above(long current, string describeSchema)
    {
        if (current > LatestVersion)
        {
            throw new TokenQuotaStoreException(
                $"{describeSchema}, but this version of {assembly.GetName().Name} knows only up to {LatestVersion}. " +
                "It was migrated by a newer TokenQuota; upgrade the package instead of using it with this one.");
        }

        return All.Where(m => m.Version > current).ToArray();
    }
}
