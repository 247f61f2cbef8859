using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using static TokenQuota.AspNetCore.EndpointServices;

namespace TokenQuota.AspNetCore;

/// <summary><c>/admin/consumption-profiles</c>: the profiles themselves, their state and the users assigned to each.</summary>
internal static class ProfileEndpoints
{
    public static void Map(IEndpointRouteBuilder admin)
    {
        // Every handler is cast to Delegate: one taking only the HttpContext would bind as a RequestDelegate, its result discarded.
        var profiles = admin.MapGroup("/consumption-profiles");
        profiles.MapGet("/", (Delegate)List);
        profiles.MapPost("/", (Delegate)Create);
        profiles.MapGet("/{id:long}", (Delegate)Get);
        profiles.MapPut("/{id:long}", (Delegate)Update);
        profiles.MapDelete("/{id:long}", (Delegate)Delete);
        profiles.MapPost("/{id:long}/activate", (Delegate)Activate);
        profiles.MapPost("/{id:long}/deactivate", (Delegate)Deactivate);
        profiles.MapPost("/{id:long}/set-default", (Delegate)SetDefault);
        profiles.MapGet("/{id:long}/users", (Delegate)ListUsers);
    }

    private static async Task<JsonHttpResult<ProfileListResponse>> List(HttpContext http) =>
        ApiResults.Success(new ProfileListResponse(await Manager(http).ListAsync(http.RequestAborted)));

    private static async Task<JsonHttpResult<ProfileResponse>> Get(HttpContext http, long id) =>
        ApiResults.Success(new ProfileResponse(await Manager(http).GetAsync(id, http.RequestAborted)));

    private static async Task<Results<JsonHttpResult<ProfileChangedResponse>, ValidationProblem, ProblemHttpResult>> Create(HttpContext http)
    {
        var body = await RequestBody.ReadAsync(http, Options(http).MaxRequestBodySize);
        if (body.Error is { } problem)
        {
            return problem;
        }

        if (!body.TryGetFields(out var root, out var invalid) || !CreateProfileRequest.TryRead(root, out var request, out invalid))
        {
            return invalid!;
        }

        var created = await Manager(http).CreateAsync(request.ToNewProfile(), Actor(http), http.RequestAborted);
        http.Response.Headers.Location = $"{http.Request.PathBase}{http.Request.Path.Value?.TrimEnd('/')}/{created.Id.ToString(CultureInfo.InvariantCulture)}";
        return ApiResults.Success(new ProfileChangedResponse("Consumption profile created successfully", created), StatusCodes.Status201Created);
    }

    private static async Task<Results<JsonHttpResult<ProfileChangedResponse>, ValidationProblem, ProblemHttpResult>> Update(HttpContext http, long id)
    {
        var body = await RequestBody.ReadAsync(http, Options(http).MaxRequestBodySize);
        if (body.Error is { } problem)
        {
            return problem;
        }

        if (!body.TryGetFields(out var root, out var invalid) || !UpdateProfileRequest.TryRead(root, out var request, out invalid))
        {
            return invalid!;
        }

        var profile = await Manager(http).UpdateAsync(id, request.ToUpdate(), Actor(http), http.RequestAborted);
        return ApiResults.Success(new ProfileChangedResponse("Consumption profile updated successfully", profile));
    }

    private static async Task<Results<JsonHttpResult<MessageResponse>, ValidationProblem>> Delete(HttpContext http, long id)
    {
        long? reassignTo = null;
        if (QueryParameters.Get(http, "reassign_to") is { } raw)
        {
            if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var target))
            {
                return ApiResults.Validation("reassign_to", "reassign_to must be a profile id.");
            }

            reassignTo = target;
        }

        await Manager(http).DeleteAsync(id, reassignTo, Actor(http), http.RequestAborted);
        return ApiResults.Success(new MessageResponse("Consumption profile deleted successfully"));
    }

    private static async Task<JsonHttpResult<ProfileChangedResponse>> Activate(HttpContext http, long id) =>
        ApiResults.Success(new ProfileChangedResponse(
            "Consumption profile activated successfully",
            await Manager(http).ActivateAsync(id, Actor(http), http.RequestAborted)));

    private static async Task<JsonHttpResult<ProfileChangedResponse>> Deactivate(HttpContext http, long id) =>
        ApiResults.Success(new ProfileChangedResponse(
            "Consumption profile deactivated successfully",
            await Manager(http).DeactivateAsync(id, Actor(http), http.RequestAborted)));

    private static async Task<JsonHttpResult<ProfileChangedResponse>> SetDefault(HttpContext http, long id) =>
        ApiResults.Success(new ProfileChangedResponse(
            "Consumption profile set as default successfully",
            await Manager(http).SetDefaultAsync(id, Actor(http), http.RequestAborted)));

    private static async Task<Results<JsonHttpResult<ProfileUsersResponse>, ValidationProblem>> ListUsers(HttpContext http, long id)
    {
        if (!QueryParameters.TryPaging(http, out var offset, out var limit, out var invalid))
        {
            return invalid!;
        }

        var page = await Manager(http).ListAssignmentsAsync(id, offset, limit, http.RequestAborted);
        return ApiResults.Success(new ProfileUsersResponse(id, page.TotalCount, page.Offset, page.Limit, [.. page.Items.Select(ProfileUserItem.From)]));
    }
}
