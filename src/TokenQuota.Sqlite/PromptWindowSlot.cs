namespace TokenQuota.Sqlite;

/// <summary>The two prompt windows kept side by side in a user's row of <c>tokenquota_prompt_windows</c>.</summary>
internal enum PromptWindowSlot
{
    /// <summary><see cref="RateWindowKeys.PromptsHourly"/>: the <c>hour_start</c> and <c>hour_count</c> columns.</summary>
    Hour,

    /// <summary><see cref="RateWindowKeys.PromptsDaily"/>: the <c>day_start</c> and <c>day_count</c> columns.</summary>
    Day,
}
