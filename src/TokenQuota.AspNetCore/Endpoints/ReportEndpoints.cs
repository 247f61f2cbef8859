using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using static TokenQuota.AspNetCore.EndpointServices;

namespace TokenQuota.AspNetCore;

/// <summary><c>/admin/usage</c>: token usage by user and month.</summary>
internal static class ReportEndpoints
{
    public static void Map(IEndpointRouteBuilder admin)
    {
        admin.MapGet("/usage", (Delegate)Usage);
        admin.MapGet("/usage/periods", (Delegate)Periods);
        admin.MapGet("/usage/users/{userId}", (Delegate)UserHistory);
    }

    private static async Task<Results<JsonHttpResult<UsageResponse>, ValidationProblem>> Usage(HttpContext http)
    {
        var period = QuotaPeriod.Current(Time(http));
        if (QueryParameters.Get(http, "period") is { } rawPeriod && !QuotaPeriod.TryParse(rawPeriod, out period))
        {
            return ApiResults.Validation("period", "Invalid period format. Use YYYY-MM");
        }

        var sort = UsageSortOrder.TotalTokens;
        if (QueryParameters.Get(http, "sort") is { } rawSort)
        {
            switch (rawSort)
            {
                case "total_tokens": sort = UsageSortOrder.TotalTokens; break;
                case "input_tokens": sort = UsageSortOrder.InputTokens; break;
                case "output_tokens": sort = UsageSortOrder.OutputTokens; break;
                case "user_id": sort = UsageSortOrder.UserId; break;
                default: return ApiResults.Validation("sort", "sort must be total_tokens, input_tokens, output_tokens or user_id.");
            }
        }

        if (!QueryParameters.TryPaging(http, out var offset, out var limit, out var invalid))
        {
            return invalid!;
        }

        var page = await Reports(http).GetUsageAsync(period, sort, offset, limit, http.RequestAborted);
        return ApiResults.Success(new UsageResponse(period.Key, page.TotalCount, page.Offset, page.Limit, page.Items));
    }

    private static async Task<JsonHttpResult<UsagePeriodsResponse>> Periods(HttpContext http) =>
        ApiResults.Success(new UsagePeriodsResponse(await Reports(http).GetPeriodTotalsAsync(http.RequestAborted)));

    private static async Task<JsonHttpResult<UserUsageHistoryResponse>> UserHistory(HttpContext http, string userId) =>
        ApiResults.Success(new UserUsageHistoryResponse(userId, await Reports(http).GetUserHistoryAsync(userId, http.RequestAborted)));
}
