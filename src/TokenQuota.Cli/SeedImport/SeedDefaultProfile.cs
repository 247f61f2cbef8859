namespace TokenQuota.Cli.SeedImport;

/// <summary>The default profile after an import.</summary>
/// <param name="SeedId">Its id in the seed.</param>
/// <param name="ProfileId">Its id here.</param>
/// <param name="Name">Its name here.</param>
internal sealed record SeedDefaultProfile(long SeedId, long ProfileId, string Name);
