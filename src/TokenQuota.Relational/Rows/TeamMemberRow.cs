namespace TokenQuota.Relational;

/// <summary>A row of <c>tokenquota_team_members</c>, as Dapper reads it (times as Unix milliseconds).</summary>
internal sealed class TeamMemberRow
{
    public string UserId { get; set; } = string.Empty;

    public long TeamId { get; set; }

    public long JoinedAt { get; set; }

    public TeamMember ToMember() => new(UserId, TeamId, DateTimeOffset.FromUnixTimeMilliseconds(JoinedAt));
}
