using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using static TokenQuota.AspNetCore.EndpointServices;

namespace TokenQuota.AspNetCore;

/// <summary><c>/admin/usage</c>: token usage by user and month, and by model with its cost (as JSON and as CSV).</summary>
internal static class ReportEndpoints
{
    public static void Map(IEndpointRouteBuilder admin)
    {
        admin.MapGet("/usage", (Delegate)Usage);
        admin.MapGet("/usage/periods", (Delegate)Periods);
        admin.MapGet("/usage/users/{userId}", (Delegate)UserHistory);
        admin.MapGet("/usage/models", (Delegate)UsageByModel);
        admin.MapGet("/usage/models.csv", (Delegate)UsageByModelCsv);
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

    private static async Task<Results<JsonHttpResult<ModelUsageResponse>, ValidationProblem>> UsageByModel(HttpContext http)
    {
        if (!ModelUsageQuery.TryRead(http, out var query, out var invalid))
        {
            return invalid!;
        }

        var currency = Currency(http);
        var rows = await query.LoadAsync(Reports(http), http.RequestAborted);
        return ApiResults.Success(new ModelUsageResponse(query.Period.Key, currency, [.. rows.Select(r => ModelUsageRow.From(r, currency))]));
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> UsageByModelCsv(HttpContext http)
    {
        if (!ModelUsageQuery.TryRead(http, out var query, out var invalid))
        {
            return invalid!;
        }

        var rows = await query.LoadAsync(Reports(http), http.RequestAborted);
        var name = $"model-usage-{query.Period.Key}{(query.PerModel ? "-totals" : string.Empty)}{(query.UserId is null ? string.Empty : "-user")}.csv";

        // A file download, so a browser link saves it under a name that says the month.
        return TypedResults.File(Encoding.UTF8.GetBytes(ModelUsageCsv.ToText(rows)), "text/csv; charset=utf-8", name);
    }
}
