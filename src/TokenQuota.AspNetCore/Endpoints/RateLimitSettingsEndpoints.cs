using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using static TokenQuota.AspNetCore.EndpointServices;

namespace TokenQuota.AspNetCore;

/// <summary><c>/admin/rate-limit-settings</c>: the run-time switches of the seed's rate limits.</summary>
internal static class RateLimitSettingsEndpoints
{
    public static void Map(IEndpointRouteBuilder admin)
    {
        admin.MapGet("/rate-limit-settings", (Delegate)Get);
        admin.MapPut("/rate-limit-settings", (Delegate)Update);
    }

    private static async Task<JsonHttpResult<RateLimitSettingsResponse>> Get(HttpContext http) =>
        ApiResults.Success(new RateLimitSettingsResponse(await Manager(http).GetRateLimitSettingsAsync(http.RequestAborted)));

    private static async Task<Results<JsonHttpResult<RateLimitSettingsChangedResponse>, ValidationProblem, ProblemHttpResult>> Update(HttpContext http)
    {
        var body = await RequestBody.ReadAsync(http, Options(http).MaxRequestBodySize);
        if (body.Error is { } problem)
        {
            return problem;
        }

        if (!body.TryGetFields(out var root, out var invalid) || !RateLimitSettingsRequest.TryRead(root, out var request, out invalid))
        {
            return invalid!;
        }

        var settings = await Manager(http).UpdateRateLimitSettingsAsync(request.ToUpdate(), Actor(http), http.RequestAborted);
        return ApiResults.Success(new RateLimitSettingsChangedResponse("Rate limit settings updated successfully", settings));
    }
}
