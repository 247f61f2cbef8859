using System.Text.Json.Serialization;

namespace TokenQuota;

/// <summary>
/// Where a team or an organisation stands: its usage this month (what its members were charged while they belonged to
/// it) and every limit of its profile, with the figures status shows for a user's.
/// </summary>
public sealed record SubjectUsage
{
    /// <summary>Gets whether this is a team or an organisation.</summary>
    [JsonPropertyName("level")]
    [JsonConverter(typeof(JsonStringEnumConverter<QuotaSubjectLevel>))]
    public QuotaSubjectLevel Level { get; init; }

    /// <summary>Gets the team's or organisation's id.</summary>
    [JsonPropertyName("id")]
    public long Id { get; init; }

    /// <summary>Gets its name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Gets its profile, or <see langword="null"/> for none (its usage is still counted).</summary>
    [JsonPropertyName("profile_id")]
    public long? ProfileId { get; init; }

    /// <summary>Gets the input tokens its members used this month (of its calendar) while they belonged to it.</summary>
    [JsonPropertyName("input_tokens")]
    public long InputTokens { get; init; }

    /// <summary>Gets the output tokens its members used this month (of its calendar) while they belonged to it.</summary>
    [JsonPropertyName("output_tokens")]
    public long OutputTokens { get; init; }

    /// <summary>Gets every limit of its profile and where it stands (<c>level</c> and <c>subject</c> name it).</summary>
    [JsonPropertyName("limits")]
    public IReadOnlyList<QuotaLimitStatus> Limits { get; init; } = [];
}
