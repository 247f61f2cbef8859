using System.Globalization;
using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>The monthly token rule and its denial message, shared by every check path.</summary>
internal static class TokenQuotaRules
{
    public static QuotaCheckResult Judge(QuotaPeriod period, ConsumptionProfile? profile, TokenUsageTotals usage, long inputTokens, long outputTokens)
    {
        var input = Figures(profile?.InputTokensPerMonth, usage.InputTokens, usage.ReservedInputTokens, inputTokens);
        var output = Figures(profile?.OutputTokensPerMonth, usage.OutputTokens, usage.ReservedOutputTokens, outputTokens);
        TokenDimension? denied = !input.Allows ? TokenDimension.Input : !output.Allows ? TokenDimension.Output : null;
        return new QuotaCheckResult
        {
            IsAllowed = denied is null,
            Message = denied switch
            {
                TokenDimension.Input => DenialMessage("Input", input),
                TokenDimension.Output => DenialMessage("Output", output),
                _ => string.Empty,
            },
            DeniedDimension = denied,
            Period = period,
            ProfileId = profile?.Id,
            ProfileName = profile?.Name,
            Input = input,
            Output = output,
        };
    }

    public static TokenLimitFigures Figures(long? limit, long used, long reserved, long requested) =>
        new(limit, used, requested, Remaining(limit, used, reserved)) { Reserved = reserved };

    /// <summary><c>max(0, limit − used − reserved)</c> without overflow, or <see langword="null"/> when unlimited.</summary>
    public static long? Remaining(long? limit, long used, long reserved) =>
        limit is { } l ? Math.Max(0, Math.Max(0, l - used) - reserved) : null;

    /// <summary>
    /// For example <c>Input token quota exceeded. Limit: 100,000/month, Used: 99,500, Remaining: 500</c>; when other
    /// reservations hold tokens, <c>, Reserved: N</c> comes before <c>Remaining</c>.
    /// </summary>
    public static string DenialMessage(string dimension, TokenLimitFigures figures) =>
        figures.Reserved == 0
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"{dimension} token quota exceeded. Limit: {figures.Limit:N0}/month, Used: {figures.Used:N0}, Remaining: {figures.Remaining:N0}")
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{dimension} token quota exceeded. Limit: {figures.Limit:N0}/month, Used: {figures.Used:N0}, Reserved: {figures.Reserved:N0}, Remaining: {figures.Remaining:N0}");
}
