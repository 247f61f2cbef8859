using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace TokenQuota.Relational;

/// <summary>
/// One numbered migration script embedded in a store assembly, named <c>&lt;prefix&gt;NNNN_description.sql</c>. Stores
/// load theirs with <see cref="LoadAll"/> and apply, in order, those above the database's schema version.
/// </summary>
/// <param name="Version">The migration number.</param>
/// <param name="Name">The description part of the file name.</param>
/// <param name="Sql">The script.</param>
internal sealed partial record EmbeddedMigration(int Version, string Name, string Sql)
{
    /// <summary>Loads every migration embedded in <paramref name="assembly"/> whose resource name starts with <paramref name="resourcePrefix"/>, sorted by version.</summary>
    /// <param name="assembly">The store assembly.</param>
    /// <param name="resourcePrefix">The resource-name prefix, for example <c>TokenQuota.Sqlite.Migrations.</c>.</param>
    /// <returns>The migrations, lowest version first.</returns>
    /// <exception cref="InvalidOperationException">None is embedded, or two share a version.</exception>
    public static IReadOnlyList<EmbeddedMigration> LoadAll(Assembly assembly, string resourcePrefix)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(resourcePrefix);
        var migrations = new List<EmbeddedMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(resourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var match = FileName().Match(resource[resourcePrefix.Length..]);
            if (!match.Success)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new EmbeddedMigration(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value, reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        if (migrations.Count == 0)
        {
            throw new InvalidOperationException($"{assembly.GetName().Name} carries no embedded migrations named {resourcePrefix}NNNN_name.sql.");
        }

        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException($"{assembly.GetName().Name} embeds two migrations numbered {migrations[i].Version}.");
            }
        }

        return migrations;
    }

    [GeneratedRegex(@"^(\d{4})_(.+)\.sql$")]
    private static partial Regex FileName();
}
