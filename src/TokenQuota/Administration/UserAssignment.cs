namespace TokenQuota;

/// <summary>A user's explicit assignment to a profile.</summary>
/// <param name="UserId">The user id.</param>
/// <param name="ProfileId">The assigned profile.</param>
/// <param name="AssignedAt">When the assignment was made (UTC).</param>
public sealed record UserAssignment(string UserId, long ProfileId, DateTimeOffset AssignedAt);
