using System.Text.Json.Serialization;

namespace TokenQuota;

/// <summary>
/// A team: users who draw on a shared budget (its profile's limits) besides their own. A team belongs to at most one
/// organisation; a user belongs to at most one team.
/// </summary>
public sealed record QuotaTeam
{
    /// <summary>Gets the team id, assigned by the store.</summary>
    [JsonPropertyName("id")]
    public long Id { get; init; }

    /// <summary>Gets the unique name (trimmed, 1–100 characters, unique among teams ignoring case).</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Gets the organisation the team belongs to, or <see langword="null"/> for none.</summary>
    [JsonPropertyName("organisation_id")]
    public long? OrganisationId { get; init; }

    /// <summary>Gets the profile whose limits the team's members share, or <see langword="null"/> for none (no team limits).</summary>
    [JsonPropertyName("profile_id")]
    public long? ProfileId { get; init; }

    /// <summary>Gets how many users are members (filled in when listed).</summary>
    [JsonPropertyName("member_count")]
    public long MemberCount { get; init; }

    /// <summary>Gets when the team was created (UTC).</summary>
    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the team was last changed (UTC).</summary>
    [JsonPropertyName("updated_at")]
    public DateTimeOffset UpdatedAt { get; init; }
}
