using System.Text.Json.Serialization;

namespace TokenQuota;

/// <summary>An organisation: teams whose members all draw on its shared budget (its profile's limits) as well.</summary>
public sealed record QuotaOrganisation
{
    /// <summary>Gets the organisation id, assigned by the store.</summary>
    [JsonPropertyName("id")]
    public long Id { get; init; }

    /// <summary>Gets the unique name (trimmed, 1–100 characters, unique among organisations ignoring case).</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Gets the profile whose limits every member of its teams shares, or <see langword="null"/> for none.</summary>
    [JsonPropertyName("profile_id")]
    public long? ProfileId { get; init; }

    /// <summary>Gets how many teams belong to it (filled in when listed).</summary>
    [JsonPropertyName("team_count")]
    public long TeamCount { get; init; }

    /// <summary>Gets when the organisation was created (UTC).</summary>
    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the organisation was last changed (UTC).</summary>
    [JsonPropertyName("updated_at")]
    public DateTimeOffset UpdatedAt { get; init; }
}
