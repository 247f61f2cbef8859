namespace TokenQuota.Sqlite;

/// <summary>A row of <c>consumption_profiles</c> as Dapper reads it (SQLite integers are 64-bit; times are Unix ms).</summary>
internal sealed class ProfileRow
{
#pragma warning disable SA1300, IDE1006 // Column names.
    public long id { get; set; }

    public string name { get; set; } = string.Empty;

    public string? description { get; set; }

    public long prompts_per_hour { get; set; }

    public long prompts_per_day { get; set; }

    public long config_changes_per_hour { get; set; }

    public long? input_tokens_per_month { get; set; }

    public long? output_tokens_per_month { get; set; }

    public bool is_default { get; set; }

    public bool is_active { get; set; }

    public long created_at { get; set; }

    public long updated_at { get; set; }

    public long user_count { get; set; }
#pragma warning restore SA1300, IDE1006

    public ConsumptionProfile ToProfile() => new()
    {
        Id = id,
        Name = name,
        Description = description,
        PromptsPerHour = checked((int)prompts_per_hour),
        PromptsPerDay = checked((int)prompts_per_day),
        ConfigChangesPerHour = checked((int)config_changes_per_hour),
        InputTokensPerMonth = input_tokens_per_month,
        OutputTokensPerMonth = output_tokens_per_month,
        IsDefault = is_default,
        IsActive = is_active,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(created_at),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(updated_at),
        UserCount = user_count,
    };

    /// <summary>The parameters to write <paramref name="profile"/> with <see cref="SqliteSql.InsertProfile"/> or <see cref="SqliteSql.UpdateProfile"/>.</summary>
    public static object Parameters(ConsumptionProfile profile) => new
    {
        profile.Id,
        profile.Name,
        profile.Description,
        profile.PromptsPerHour,
        profile.PromptsPerDay,
        profile.ConfigChangesPerHour,
        profile.InputTokensPerMonth,
        profile.OutputTokensPerMonth,
        profile.IsDefault,
        profile.IsActive,
        CreatedAt = profile.CreatedAt.ToUnixTimeMilliseconds(),
        UpdatedAt = profile.UpdatedAt.ToUnixTimeMilliseconds(),
    };
}
