namespace TokenQuota.Cli.SeedImport;

/// <summary>A row of the host's users table that names a profile in <c>consumption_profile_id</c>.</summary>
/// <param name="UserId">The user's id (the table's <c>id</c>).</param>
/// <param name="SeedProfileId">The seed profile id the row names; it may name a deleted profile.</param>
internal sealed record SeedAssignment(string UserId, long SeedProfileId);
