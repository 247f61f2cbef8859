namespace TokenQuota.Relational;

/// <summary>A row of <c>tokenquota_organisations</c> with its team count, as Dapper reads it (times as Unix milliseconds).</summary>
internal sealed class OrganisationRow
{
    public long Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public long? ProfileId { get; set; }

    public long TeamCount { get; set; }

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }

    public QuotaOrganisation ToOrganisation() => new()
    {
        Id = Id,
        Name = Name,
        ProfileId = ProfileId,
        TeamCount = TeamCount,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt),
    };

    /// <summary>The parameters of the organisation statements (<c>@id, @name, @profileId, @createdAt, @updatedAt</c>).</summary>
    public static object Parameters(QuotaOrganisation organisation) => new
    {
        id = organisation.Id,
        name = organisation.Name,
        profileId = organisation.ProfileId,
        createdAt = organisation.CreatedAt.ToUnixTimeMilliseconds(),
        updatedAt = organisation.UpdatedAt.ToUnixTimeMilliseconds(),
    };
}
