using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using static TokenQuota.AspNetCore.EndpointServices;

namespace TokenQuota.AspNetCore;

/// <summary><c>/admin/audit-log</c>: every administrative change, filtered and paged.</summary>
internal static class AuditEndpoints
{
    public static void Map(IEndpointRouteBuilder admin) => admin.MapGet("/audit-log", (Delegate)Query);

    private static async Task<Results<JsonHttpResult<AuditLogResponse>, ValidationProblem>> Query(HttpContext http)
    {
        if (!QueryParameters.TryPaging(http, out var offset, out var limit, out var invalid)
            || !TryInstant(http, "from", out var from, out invalid)
            || !TryInstant(http, "to", out var to, out invalid))
        {
            return invalid!;
        }

        var page = await Manager(http).QueryAuditLogAsync(
            new QuotaAuditQuery
            {
                From = from,
                To = to,
                Actor = QueryParameters.Get(http, "actor"),
                Action = QueryParameters.Get(http, "action"),
                Target = QueryParameters.Get(http, "target"),
                Offset = offset,
                Limit = limit,
            },
            http.RequestAborted);
        return ApiResults.Success(new AuditLogResponse(page.TotalCount, page.Offset, page.Limit, [.. page.Items.Select(AuditEntryItem.From)]));
    }

    /// <summary>Reads an optional ISO 8601 instant; one without an offset is UTC.</summary>
    private static bool TryInstant(HttpContext http, string name, out DateTimeOffset? value, out ValidationProblem? invalid)
    {
        value = null;
        invalid = null;
        if (QueryParameters.Get(http, name) is not { } raw)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            invalid = ApiResults.Validation(name, $"{name} must be an ISO 8601 date and time.");
            return false;
        }

        value = instant;
        return true;
    }
}
