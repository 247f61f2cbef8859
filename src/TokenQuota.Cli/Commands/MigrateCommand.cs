using System.CommandLine;
using System.Globalization;

namespace TokenQuota.Cli.Commands;

/// <summary><c>tokenquota migrate</c>: creates or upgrades the schema (the seed's step 1, "Run Database Migration").</summary>
internal static class MigrateCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command(
            "migrate",
            "Create or upgrade the TokenQuota schema in the database (creating the file if needed) and seed the Free, Pro, " +
            "Enterprise and Unlimited profiles on first run. Idempotent. With --provider postgres --db \"Host=...\" it migrates a " +
            "PostgreSQL schema (--schema, default tokenquota), for example ahead of a deployment.");

        cli.SetAction(command, async run =>
        {
            var before = (await run.Services.Store.GetSchemaVersionAsync(run.CancellationToken).ConfigureAwait(false)).Current;
            await run.Services.Store.MigrateAsync(run.CancellationToken).ConfigureAwait(false);
            var after = (await run.Services.Store.GetSchemaVersionAsync(run.CancellationToken).ConfigureAwait(false)).Current;
            var profiles = await run.Profiles.ListAsync(run.CancellationToken).ConfigureAwait(false);
            var defaultProfile = profiles.FirstOrDefault(p => p.IsDefault);
            var result = new MigrateResult(run.Services.DataSource, StoreProviders.Name(run.Services.Provider), before, after, profiles.Count, defaultProfile?.Name);
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
