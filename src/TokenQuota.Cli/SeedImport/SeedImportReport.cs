namespace TokenQuota.Cli.SeedImport;

/// <summary>What an import did (or, in a dry run, would do); the <c>--json</c> result of <c>import-seed</c>.</summary>
/// <param name="From">The seed database.</param>
/// <param name="DryRun">Whether nothing was written.</param>
/// <param name="Changed">Whether the import changed (or would change) anything; <see langword="false"/> on a repeated run.</param>
/// <param name="Profiles">What became of each seed profile, in seed-id order.</param>
/// <param name="DefaultProfile">The profile that is the default afterwards, or <see langword="null"/> when the seed had no active default.</param>
/// <param name="DefaultChanged">Whether the default moved.</param>
/// <param name="AssignmentsSet">Users whose assignment was set.</param>
/// <param name="AssignmentsUnchanged">Users already assigned as in the seed.</param>
/// <param name="AssignmentsSkipped">Users whose row names a profile the seed no longer has; they keep their assignment here.</param>
/// <param name="UsageRowsMerged">Usage rows inserted or raised to the seed's figures.</param>
/// <param name="UsageRowsUnchanged">Usage rows that already held at least the seed's figures.</param>
internal sealed record SeedImportReport(
    string From,
    bool DryRun,
    bool Changed,
    IReadOnlyList<SeedProfileImport> Profiles,
    SeedDefaultProfile? DefaultProfile,
    bool DefaultChanged,
    int AssignmentsSet,
    int AssignmentsUnchanged,
    IReadOnlyList<SeedAssignment> AssignmentsSkipped,
    int UsageRowsMerged,
    int UsageRowsUnchanged);
