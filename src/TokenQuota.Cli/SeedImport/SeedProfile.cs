namespace TokenQuota.Cli.SeedImport;

/// <summary>A row of the seed's <c>consumption_profiles</c>, validated against TokenQuota's rules (NULL flags already resolved).</summary>
/// <param name="SeedId">The row's id in the seed.</param>
/// <param name="Name">The name, trimmed.</param>
/// <param name="Description">The description.</param>
/// <param name="PromptsPerHour">Prompts per hour.</param>
/// <param name="PromptsPerDay">Prompts per day.</param>
/// <param name="ConfigChangesPerHour">Configuration changes per hour.</param>
/// <param name="InputTokensPerMonth">Input tokens per month, or <see langword="null"/> for unlimited.</param>
/// <param name="OutputTokensPerMonth">Output tokens per month, or <see langword="null"/> for unlimited.</param>
/// <param name="IsDefault">The default flag (NULL read as false).</param>
/// <param name="IsActive">The active flag (NULL read as true, the column's default).</param>
/// <param name="CreatedAt">When the seed created it, when the row says.</param>
internal sealed record SeedProfile(
    long SeedId,
    string Name,
    string? Description,
    int PromptsPerHour,
    int PromptsPerDay,
    int ConfigChangesPerHour,
    long? InputTokensPerMonth,
    long? OutputTokensPerMonth,
    bool IsDefault,
    bool IsActive,
    DateTimeOffset? CreatedAt);
