using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using static TokenQuota.AspNetCore.EndpointServices;

namespace TokenQuota.AspNetCore;

/// <summary><c>/admin/users/…/consumption-profile</c>: which profile a user gets, one user or many at a time.</summary>
internal static class AssignmentEndpoints
{
    public static void Map(IEndpointRouteBuilder admin)
    {
        admin.MapPut("/users/consumption-profile", (Delegate)AssignMany).WithMetadata(new AssignmentProblems("user_ids"));
        admin.MapPut("/users/{userId}/consumption-profile", (Delegate)Assign).WithMetadata(new AssignmentProblems(null));
        admin.MapGet("/users/{userId}/consumption-profile", (Delegate)GetEffective);
    }

    private static async Task<Results<JsonHttpResult<UserAssignedResponse>, ValidationProblem, ProblemHttpResult>> Assign(HttpContext http, string userId)
    {
        var body = await RequestBody.ReadAsync(http, Options(http).MaxRequestBodySize);
        if (body.Error is { } problem)
        {
            return problem;
        }

        if (!AssignUserRequest.TryRead(body, out var request, out var invalid))
        {
            return invalid!;
        }

        var manager = Manager(http);
        await manager.AssignAsync(userId, request.ProfileId, Actor(http), http.RequestAborted);
        var profile = request.ProfileId is { } id ? await manager.GetAsync(id, http.RequestAborted) : null;
        return ApiResults.Success(new UserAssignedResponse(
            profile is null ? "Consumption profile unassigned successfully" : $"Consumption profile assigned to {profile.Name} successfully",
            new AssignedUser(userId, profile?.Id, profile)));
    }

    private static async Task<Results<JsonHttpResult<UsersAssignedResponse>, ValidationProblem, ProblemHttpResult>> AssignMany(HttpContext http)
    {
        var body = await RequestBody.ReadAsync(http, Options(http).MaxRequestBodySize);
        if (body.Error is { } problem)
        {
            return problem;
        }

        if (!AssignUsersRequest.TryRead(body, out var request, out var invalid))
        {
            return invalid!;
        }

        var assigned = await Manager(http).AssignManyAsync(request.UserIds, request.ProfileId, Actor(http), http.RequestAborted);
        return ApiResults.Success(new UsersAssignedResponse(
            request.ProfileId is null
                ? $"Consumption profile unassigned from {assigned} user(s) successfully"
                : $"Consumption profile assigned to {assigned} user(s) successfully",
            assigned,
            request.ProfileId));
    }

    private static async Task<JsonHttpResult<UserProfileResponse>> GetEffective(HttpContext http, string userId)
    {
        var profile = await Manager(http).GetEffectiveProfileAsync(userId, http.RequestAborted);
        return ApiResults.Success(new UserProfileResponse(new UserEffectiveProfile(userId, profile)));
    }
}
