namespace TokenQuota.Cli.SeedImport;

/// <summary>What became of one seed profile.</summary>
/// <param name="SeedId">Its id in the seed.</param>
/// <param name="SeedName">Its name in the seed.</param>
/// <param name="Action"><c>created</c>, <c>updated</c> or <c>unchanged</c>.</param>
/// <param name="ProfileId">Its id here (the seed's id when that was free, or the matched profile's).</param>
/// <param name="Name">Its name here.</param>
/// <param name="Note">Why the id or the name differs from the seed's, when they do.</param>
internal sealed record SeedProfileImport(long SeedId, string SeedName, string Action, long ProfileId, string Name, string? Note);
