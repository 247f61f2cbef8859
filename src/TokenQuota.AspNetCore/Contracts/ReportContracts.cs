using System.Text.Json.Serialization;

namespace TokenQuota.AspNetCore;

/// <summary><c>GET /admin/usage</c>: one page of the users' usage in a month.</summary>
internal sealed record UsageResponse(
    [property: JsonPropertyName("period")] string Period,
    [property: JsonPropertyName("total_count")] long TotalCount,
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("users")] IReadOnlyList<UserUsage> Users)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}

/// <summary><c>GET /admin/usage/periods</c>: the totals of every month with usage.</summary>
internal sealed record UsagePeriodsResponse([property: JsonPropertyName("periods")] IReadOnlyList<PeriodUsageTotals> Periods)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}

/// <summary><c>GET /admin/usage/users/{userId}</c>: one user's usage, month by month.</summary>
internal sealed record UserUsageHistoryResponse(
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("history")] IReadOnlyList<UserUsage> History)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}

/// <summary><c>GET /admin/usage/models</c>: a month's usage by user and model (or per model), with its cost in the currency.</summary>
internal sealed record ModelUsageResponse(
    [property: JsonPropertyName("period")] string Period,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("usage")] IReadOnlyList<ModelUsageRow> Usage)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}

/// <summary>
/// One <see cref="ModelUsage"/> as the API answers it: its own fields, plus the cost as an exact decimal string of the
/// currency (<c>cost</c>, never a binary float) and written for people (<c>cost_display</c>).
/// </summary>
internal sealed record ModelUsageRow(
    [property: JsonPropertyName("user_id")] string? UserId,
    [property: JsonPropertyName("period")] string Period,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("calls")] long Calls,
    [property: JsonPropertyName("input_tokens")] long InputTokens,
    [property: JsonPropertyName("cached_input_tokens")] long CachedInputTokens,
    [property: JsonPropertyName("output_tokens")] long OutputTokens,
    [property: JsonPropertyName("reasoning_tokens")] long ReasoningTokens,
    [property: JsonPropertyName("cost_nano")] long CostNano,
    [property: JsonPropertyName("cost")] string Cost,
    [property: JsonPropertyName("cost_display")] string CostDisplay)
{
    public static ModelUsageRow From(ModelUsage usage, string currency) => new(
        usage.UserId,
        usage.Period,
        usage.ModelId,
        usage.Calls,
        usage.InputTokens,
        usage.CachedInputTokens,
        usage.OutputTokens,
        usage.ReasoningTokens,
        usage.CostNanoUnits,
        Money.FormatAmount(usage.CostNanoUnits),
        Money.Format(usage.CostNanoUnits, currency));
}
