namespace TokenQuota.Cli.SeedImport;

/// <summary>What a seed database holds, read and validated in full before anything is written.</summary>
/// <param name="Source">The file it was read from.</param>
/// <param name="Profiles">The profiles, in seed-id order.</param>
/// <param name="Assignments">The users' assignments, in user-id order.</param>
/// <param name="Usage">The usage rows, in seed-id order.</param>
internal sealed record SeedInstallation(string Source, IReadOnlyList<SeedProfile> Profiles, IReadOnlyList<SeedAssignment> Assignments, IReadOnlyList<SeedUsage> Usage);
