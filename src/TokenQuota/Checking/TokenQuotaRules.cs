using System.Globalization;

namespace TokenQuota;

/// <summary>The monthly token rule and its denial message, shared by every check path.</summary>
internal static class TokenQuotaRules
{
    public static QuotaCheckResult Judge(QuotaPeriod period, ConsumptionProfile? profile, TokenUsageTotals usage, long inputTokens, long outputTokens)
    {
        var input = Figures(profile?.InputTokensPerMonth, usage.InputTokens, inputTokens);
        var output = Figures(profile?.OutputTokensPerMonth, usage.OutputTokens, outputTokens);
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

    public static TokenLimitFigures Figures(long? limit, long used, long requested) =>
        new(limit, used, requested, limit is { } l ? Math.Max(0, l - used) : null);

    /// <summary>For example <c>Input token quota exceeded. Limit: 100,000/month, Used: 99,500, Remaining: 500</c>.</summary>
    public static string DenialMessage(string dimension, TokenLimitFigures figures) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{dimension} token quota exceeded. Limit: {figures.Limit:N0}/month, Used: {figures.Used:N0}, Remaining: {figures.Remaining:N0}");
}
