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
