namespace TokenQuota;

/// <summary>A user's membership of a team.</summary>
/// <param name="UserId">The user id.</param>
/// <param name="TeamId">The team.</param>
/// <param name="JoinedAt">When the user joined the team (UTC); usage from then on is charged to the team too.</param>
public sealed record TeamMember(string UserId, long TeamId, DateTimeOffset JoinedAt);
