using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using static TokenQuota.AspNetCore.EndpointServices;

namespace TokenQuota.AspNetCore;

/// <summary><c>/user/quota-status</c>: any signed-in user's own quota.</summary>
internal static class StatusEndpoints
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder group) => group.MapGet("/user/quota-status", (Delegate)QuotaStatus);

    private static async Task<Results<JsonHttpResult<QuotaStatusResponse>, ProblemHttpResult>> QuotaStatus(HttpContext http)
    {
        if (UserId(http) is not { } userId)
        {
            return ApiResults.Problem(StatusCodes.Status403Forbidden, "Forbidden", "The signed-in user has no user id claim.");
        }

        return ApiResults.Success(new QuotaStatusResponse(await Checker(http).GetStatusAsync(userId, http.RequestAborted)));
    }
}
