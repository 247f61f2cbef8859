using System.CommandLine;
using System.Globalization;
using TokenQuota.Cli.SeedImport;
using TokenQuota.Storage;

namespace TokenQuota.Cli.Commands;

/// <summary>
/// <c>tokenquota import-seed</c>: carries an installation of the original consumption-profiles feature (its
/// <c>tda_auth.db</c>) into the database named by <c>--db</c>, creating and migrating it when needed.
/// </summary>
internal static class ImportSeedCommand
{
    public static Command Create(CliContext cli)
    {
        var from = new Option<string>("--from")
        {
            Description = "The original feature's SQLite database (tda_auth.db). It is only read.",
            HelpName = "tda_auth.db",
            Required = true,
        };
        var usersTable = new Option<string>("--users-table")
        {
            Description = "The host's users table in that file, with its id and consumption_profile_id columns.",
            HelpName = "name",
            DefaultValueFactory = _ => "users",
        };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Show what the import would do, and write nothing.",
        };
        var command = new Command(
            "import-seed",
            "Carry an installation of the original consumption-profiles feature over into --db (created and migrated when needed), in one transaction: " +
            "its profiles (matched by name ignoring case; seed ids kept where free; a name differing only in case from an earlier one becomes 'name (id)'), " +
            "the default, the users' assignments from --users-table, and the usage rows (each counter the larger of the two). Idempotent: a second run changes nothing and says so.")
        {
            from,
            usersTable,
            dryRun,
        };
        cli.SetAction(command, async run =>
        {
            var source = run.Get(from)!;
            var seed = await SeedDatabaseReader.ReadAsync(source, run.Get(usersTable)!, run.CancellationToken).ConfigureAwait(false);
            if (run.Services.Provider == StoreProvider.Sqlite && SamePath(source, run.Services.DataSource))
            {
                throw new CliUsageException("--from and --db name the same file; import the seed database into a new one with --db <new database>.");
            }

            var isDryRun = run.Get(dryRun);
            var report = isDryRun && run.Services.Provider == StoreProvider.Sqlite && !File.Exists(run.Services.DataSource)
                ? await DryRunIntoNewFileAsync(seed, run.CancellationToken).ConfigureAwait(false)
                : await ImportAsync(run.Services.Store, seed, isDryRun, run.CancellationToken).ConfigureAwait(false);
            run.Write(report, output => WriteReport(output, report, run.Services.DataSource));
        }, creating: true);
        return command;
    }

    private static async Task<SeedImportReport> ImportAsync(IQuotaStore store, SeedInstallation seed, bool dryRun, CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return await SeedImporter.ImportAsync(store, seed, dryRun, CliContext.Actor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A dry run into a database that does not exist yet runs on a fresh temporary one, so that nothing is created.</summary>
    private static async Task<SeedImportReport> DryRunIntoNewFileAsync(SeedInstallation seed, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("tokenquota-import-seed-");
        try
        {
            var services = CliServices.Create(Path.Combine(folder.FullName, "dry-run.db"), StoreProvider.Sqlite, "tokenquota", creating: true);
            await using (services.ConfigureAwait(false))
            {
                return await ImportAsync(services.Store, seed, dryRun: true, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static bool SamePath(string seedPath, string dataSource) =>
        !string.IsNullOrEmpty(dataSource) && string.Equals(Path.GetFullPath(seedPath), Path.GetFullPath(dataSource), StringComparison.Ordinal);

    private static void WriteReport(TextWriter output, SeedImportReport report, string database)
    {
        output.WriteLine(report.DryRun
            ? $"Dry run: importing '{report.From}' into '{database}' would do this; nothing was written."
            : report.Changed
                ? $"Imported '{report.From}' into '{database}'."
                : $"Nothing to import: '{database}' already holds everything in '{report.From}'; nothing was changed.");
        output.WriteLine();

        var table = new TableWriter("SEED ID>", "SEED NAME", "ACTION", "ID>", "NAME", "NOTE");
        foreach (var p in report.Profiles)
        {
            table.AddRow(Format.Number(p.SeedId), p.SeedName, p.Action, Format.Number(p.ProfileId), p.Name, p.Note);
        }

        table.Write(output);
        output.WriteLine();
        output.WriteLine(report.DefaultProfile is { } d
            ? $"Default profile: {d.Name} (id {d.ProfileId}){(report.DefaultChanged ? string.Empty : ", unchanged")}."
            : "Default profile: none (the seed has no active default profile)" + (report.DefaultChanged ? "; the previous default was cleared." : "."));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Assignments: {Format.Number(report.AssignmentsSet)} set, {Format.Number(report.AssignmentsUnchanged)} unchanged, {Format.Number(report.AssignmentsSkipped.Count)} skipped."));
        foreach (var skipped in report.AssignmentsSkipped)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  skipped user {skipped.UserId}: its consumption_profile_id {skipped.SeedProfileId} names no profile in the seed (the seed gave it the default)."));
        }

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Usage rows: {Format.Number(report.UsageRowsMerged)} merged, {Format.Number(report.UsageRowsUnchanged)} unchanged."));
    }
}
