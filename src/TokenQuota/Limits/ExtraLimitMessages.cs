using System.Globalization;

namespace TokenQuota;

/// <summary>The refusal message of an extra limit, in the seed's style: "Per-minute total token quota for model 'gpt-4o*' exceeded. Limit: …".</summary>
internal static class ExtraLimitMessages
{
    public static string Refused(QuotaLimit limit, LimitFigures figures, long requested, string currency)
    {
        ArgumentNullException.ThrowIfNull(limit);
        var window = limit.Window switch
        {
            null => "Concurrent",
            QuotaWindow.Hour => "Hourly",
            QuotaWindow.Day => "Daily",
            QuotaWindow.Week => "Weekly",
            QuotaWindow.Month => "Monthly",
            QuotaWindow.Year => "Yearly",
            { } w => "Per-" + LimitNames.Of(w),
        };
        var meter = LimitNames.Of(limit.Meter).Replace('_', ' ') switch
        {
            var m when m.EndsWith(" tokens", StringComparison.Ordinal) => m[..^1],
            "prompts" => "prompt",
            "config changes" => "configuration change",
            "in flight" => "request",
            var m => m,
        };
        var model = limit.Model is { } filter ? $" for model '{filter.Pattern}'" : string.Empty;
        if (limit.Meter == QuotaMeter.Cost)
        {
            return $"{window} cost quota{model} exceeded. Limit: {Money.Format(figures.Amount ?? 0, currency)}, used: {Money.Format(figures.Used, currency)}, requested: {Money.Format(requested, currency)}.";
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"{window} {meter} quota{model} exceeded. Limit: {figures.Amount:N0}, used: {figures.Used:N0}, requested: {requested:N0}.");
    }

    /// <summary>The refusal of a call that a cost limit applies to while its model has no price.</summary>
    /// <summary>Names the level a refusal comes from: "Team 'research' monthly input token quota exceeded. …".</summary>
    public static string AtLevel(SharedLevel level, string message) =>
        $"{SubjectNames.Label(level.Level)} '{level.Name}' {char.ToLowerInvariant(message[0])}{message[1..]}";

    public static string Unpriced(QuotaLimit limit, string? modelId) =>
        (modelId is null ? "The request names no model, so its cost is unknown" : $"The model '{modelId}' has no price in the catalogue")
        + $", and the cost limit {limit.Name} applies to it; price the model (tokenquota prices set) or choose another TokenQuotaOptions.UnpricedModels.";
}
