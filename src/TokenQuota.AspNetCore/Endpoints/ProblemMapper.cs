using Microsoft.AspNetCore.Http;

namespace TokenQuota.AspNetCore;

/// <summary>
/// The one place the library's exceptions become HTTP answers, as an endpoint filter on every TokenQuota route (after
/// the authorization filter): validation 400, profile or user not found 404, conflict 409, refusal 400 with its
/// reason, store 503, bad argument 400. Handlers only return their successes and the 400s of their own input.
/// </summary>
internal sealed class ProblemMapper : IEndpointFilter
{
    public const string ProfileNotFoundMessage = "Consumption profile not found";
    public const string UserNotFoundMessage = "User not found";
    public const string ProfileUnassignableMessage = "Consumption profile not found or inactive";

    public static ProblemMapper Instance { get; } = new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (Map(ex, context.HttpContext) is { } result)
        {
            return result;
        }
    }

    /// <summary>The answer to <paramref name="exception"/>, or <see langword="null"/> to let it propagate (a 500: a bug).</summary>
    public static IResult? Map(Exception exception, HttpContext http)
    {
        var assignment = http.GetEndpoint()?.Metadata.GetMetadata<AssignmentProblems>();
        return exception switch
        {
            // The seed's assignment routes answer one message whether the profile is missing or inactive.
            ConsumptionProfileNotFoundException or ConsumptionProfileOperationRefusedException { Reason: ProfileRefusalReason.ProfileInactive }
                when assignment is not null => ApiResults.Error(StatusCodes.Status404NotFound, ProfileUnassignableMessage),
            ArgumentException when assignment?.UserIdsField is { } field => ApiResults.Validation(field, exception.Message),
            ConsumptionProfileValidationException ex => ApiResults.Validation(ex.Errors),
            ConsumptionProfileNotFoundException => ApiResults.Error(StatusCodes.Status404NotFound, ProfileNotFoundMessage),
            UnknownUserException ex => UnknownUser(ex),
            ConsumptionProfileConflictException ex => ApiResults.Error(StatusCodes.Status409Conflict, ex.Message),
            ConsumptionProfileOperationRefusedException { Reason: ProfileRefusalReason.ProfileInUse } ex =>
                ApiResults.Success(new ProfileInUseResponse(ex.Message, Snake(ex.Reason), ex.AssignedUserCount), StatusCodes.Status400BadRequest),
            ConsumptionProfileOperationRefusedException ex =>
                ApiResults.Success(new RefusalResponse(ex.Message, Snake(ex.Reason)), StatusCodes.Status400BadRequest),
            TokenQuotaStoreException ex => ApiResults.Problem(StatusCodes.Status503ServiceUnavailable, "Quota store unavailable", ex.Message),
            ArgumentException ex => ApiResults.Problem(StatusCodes.Status400BadRequest, "Bad request", ex.Message),
            BadHttpRequestException ex => ApiResults.Problem(ex.StatusCode, "Bad request", ex.Message),

            // The client went away: there is nobody to answer.
            OperationCanceledException when http.RequestAborted.IsCancellationRequested => Results.Empty,
            _ => null,
        };
    }

    /// <summary>
    /// 404 ProblemDetails for users the host's directory does not know. One user gets the seed's exact
    /// <c>User not found</c> as its detail and <c>message</c>; a bulk refusal names every unknown id.
    /// </summary>
    private static IResult UnknownUser(UnknownUserException ex) =>
        ApiResults.Problem(
            StatusCodes.Status404NotFound,
            UserNotFoundMessage,
            ex.UserIds.Count == 1 ? UserNotFoundMessage : ex.Message,
            new Dictionary<string, object?> { ["user_id"] = ex.UserId, ["user_ids"] = ex.UserIds });

    private static string Snake(ProfileRefusalReason reason) => reason switch
    {
        ProfileRefusalReason.DefaultProfileCannotBeDeleted => "default_profile_cannot_be_deleted",
        ProfileRefusalReason.DefaultProfileCannotBeDeactivated => "default_profile_cannot_be_deactivated",
        ProfileRefusalReason.ProfileInUse => "profile_in_use",
        ProfileRefusalReason.ProfileInactive => "profile_inactive",
        ProfileRefusalReason.InvalidReassignment => "invalid_reassignment",
        ProfileRefusalReason.RequiredProfileMissing => "required_profile_missing",
        _ => reason.ToString(),
    };
}

/// <summary>
/// Endpoint metadata of the assignment routes, which answer differently: a profile that is missing or inactive is one
/// 404, and in bulk a bad user id list is a 400 naming <see cref="UserIdsField"/>.
/// </summary>
/// <param name="UserIdsField">The request field of the user ids, for a bulk route; <see langword="null"/> otherwise.</param>
internal sealed record AssignmentProblems(string? UserIdsField);
