namespace TokenQuota.Relational;

/// <summary>A row of <c>tokenquota_teams</c> with its member count, as Dapper reads it (times as Unix milliseconds).</summary>
internal sealed class TeamRow
{
    public long Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public long? OrganisationId { get; set; }

    public long? ProfileId { get; set; }

    public long MemberCount { get; set; }

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }

    public QuotaTeam ToTeam() => new()
    {
        Id = Id,
        Name = Name,
        OrganisationId = OrganisationId,
        ProfileId = ProfileId,
        MemberCount = MemberCount,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt),
    };

    /// <summary>The parameters of the team statements (<c>@id, @name, @organisationId, @profileId, @createdAt, @updatedAt</c>).</summary>
    public static object Parameters(QuotaTeam team) => new
    {
        id = team.Id,
        name = team.Name,
        organisationId = team.OrganisationId,
        profileId = team.ProfileId,
        createdAt = team.CreatedAt.ToUnixTimeMilliseconds(),
        updatedAt = team.UpdatedAt.ToUnixTimeMilliseconds(),
    };
}
