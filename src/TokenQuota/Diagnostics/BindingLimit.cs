namespace TokenQuota;

/// <summary>The limit that refused a request, named as telemetry names it: its meter and its window.</summary>
/// <param name="Meter"><c>prompts</c>, <c>config_changes</c>, <c>input_tokens</c> or <c>output_tokens</c>.</param>
/// <param name="Window"><c>hour</c>, <c>day</c> or <c>month</c>.</param>
internal readonly record struct BindingLimit(string Meter, string Window)
{
    public static BindingLimit Of(TokenDimension dimension) =>
        new(dimension == TokenDimension.Input ? MeterNames.InputTokens : MeterNames.OutputTokens, "month");

    public static BindingLimit Of(RateLimitWindow window) => window switch
    {
        RateLimitWindow.PromptsPerHour => new("prompts", "hour"),
        RateLimitWindow.PromptsPerDay => new("prompts", "day"),
        _ => new("config_changes", "hour"),
    };

    /// <summary>The meter names of the token dimensions, shared by the refusal and estimate instruments.</summary>
    public static class MeterNames
    {
        public const string InputTokens = "input_tokens";
        public const string OutputTokens = "output_tokens";
    }
}
