using System.CommandLine;
using System.Globalization;

namespace TokenQuota.Cli.Commands;

/// <summary><c>tokenquota migrate</c>: creates or upgrades the schema (the seed's step 1, "Run Database Migration").</summary>
internal static class MigrateCommand
{
    private static readonly string[] PostgresNames = ["postgres", "postgresql", "npgsql", "pg"];

    public static Command Create(CliContext cli)
    {
        var provider = new Option<string>("--provider")
        {
            Description = "The store to migrate. Only sqlite is available in this version.",
            HelpName = "sqlite",
            DefaultValueFactory = _ => "sqlite",
        };
        provider.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>()?.Trim() ?? string.Empty;
            if (string.Equals(value, "sqlite", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            result.AddError(PostgresNames.Contains(value, StringComparer.OrdinalIgnoreCase)
                ? $"The provider '{value}' is not available in this version of tokenquota; only 'sqlite' is. Run the PostgreSQL store's migration from your host (TokenQuota.PostgreSql) instead."
                : $"Unknown provider '{value}'; this version of tokenquota supports only 'sqlite'.");
        });

        var command = new Command(
            "migrate",
            "Create or upgrade the TokenQuota schema in the database (creating the file if needed) and seed the Free, Pro, " +
            "Enterprise and Unlimited profiles on first run. Idempotent.")
        {
            provider,
        };

        cli.SetAction(command, async run =>
        {
            var before = run.Services.ReadSchemaVersion();
            await run.Services.Store.MigrateAsync(run.CancellationToken).ConfigureAwait(false);
            var after = run.Services.ReadSchemaVersion();
            var profiles = await run.Profiles.ListAsync(run.CancellationToken).ConfigureAwait(false);
            var defaultProfile = profiles.FirstOrDefault(p => p.IsDefault);
            var result = new MigrateResult(run.Services.DataSource, "sqlite", before, after, profiles.Count, defaultProfile?.Name);
            run.Write(result, output =>
            {
                output.WriteLine(before == after
                    ? string.Create(CultureInfo.InvariantCulture, $"Database '{result.Database}' is up to date (schema version {after}).")
                    : string.Create(CultureInfo.InvariantCulture, $"Migrated database '{result.Database}' from schema version {before} to {after}."));
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Profiles: {profiles.Count}; default: {defaultProfile?.Name ?? "(none)"}. Next: tokenquota assign-unlimited, then tokenquota profiles list."));
            });
        }, creating: true);
        return command;
    }

    /// <summary>The JSON result of <c>migrate</c>.</summary>
    internal sealed record MigrateResult(string Database, string Provider, long SchemaVersionBefore, long SchemaVersion, int ProfileCount, string? DefaultProfile);
}
