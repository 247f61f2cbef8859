namespace TokenQuota;

/// <summary>
/// The seed's five figures as limits of the general model (DESIGN §7): prompts per hour and per day, configuration
/// changes per hour, input and output tokens per month, for every model, on fixed windows.
/// </summary>
internal static class StandardLimits
{
    /// <summary>Gets the standard limits of <paramref name="profile"/>.</summary>
    public static IReadOnlyList<QuotaLimit> Of(ConsumptionProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return
        [
            new QuotaLimit(QuotaMeter.Prompts, QuotaWindow.Hour, profile.PromptsPerHour),
            new QuotaLimit(QuotaMeter.Prompts, QuotaWindow.Day, profile.PromptsPerDay),
            new QuotaLimit(QuotaMeter.ConfigChanges, QuotaWindow.Hour, profile.ConfigChangesPerHour),
            new QuotaLimit(QuotaMeter.InputTokens, QuotaWindow.Month, profile.InputTokensPerMonth),
            new QuotaLimit(QuotaMeter.OutputTokens, QuotaWindow.Month, profile.OutputTokensPerMonth),
        ];
    }

    /// <summary>The seed's field that already holds <paramref name="limit"/>, or <see langword="null"/> if it is an extra limit.</summary>
    public static string? FieldFor(QuotaLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        if (limit.Model is not null)
        {
            return null;
        }

        return (limit.Meter, limit.Window) switch
        {
            (QuotaMeter.Prompts, QuotaWindow.Hour) => "prompts_per_hour",
            (QuotaMeter.Prompts, QuotaWindow.Day) => "prompts_per_day",
            (QuotaMeter.ConfigChanges, QuotaWindow.Hour) => "config_changes_per_hour",
            (QuotaMeter.InputTokens, QuotaWindow.Month) => "input_tokens_per_month",
            (QuotaMeter.OutputTokens, QuotaWindow.Month) => "output_tokens_per_month",
            _ => null,
        };
    }
}
