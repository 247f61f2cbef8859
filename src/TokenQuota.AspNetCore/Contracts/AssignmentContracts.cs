using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TokenQuota.AspNetCore;

/// <summary><c>PUT /admin/users/{userId}/consumption-profile</c>: the seed's message and the user's new assignment.</summary>
internal sealed record UserAssignedResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("user")] AssignedUser User)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}

/// <summary>The user of <see cref="UserAssignedResponse"/>: the assigned profile, or null ids when unassigned.</summary>
internal sealed record AssignedUser(
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("consumption_profile_id")] long? ConsumptionProfileId,
    [property: JsonPropertyName("consumption_profile")] ConsumptionProfile? ConsumptionProfile);

/// <summary><c>PUT /admin/users/consumption-profile</c>: how many users the bulk assignment covered.</summary>
internal sealed record UsersAssignedResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("assigned")] int Assigned,
    [property: JsonPropertyName("profile_id")] long? ProfileId)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}

/// <summary><c>GET /admin/users/{userId}/consumption-profile</c>: the profile that applies to the user.</summary>
internal sealed record UserProfileResponse([property: JsonPropertyName("user")] UserEffectiveProfile User)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}

/// <summary>The user of <see cref="UserProfileResponse"/>: the explicit assignment or the default, null when none applies.</summary>
internal sealed record UserEffectiveProfile(
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("effective_profile")] ConsumptionProfile? EffectiveProfile);

/// <summary>The body of <c>PUT /admin/users/{userId}/consumption-profile</c>: <c>profile_id</c>, required, null to unassign.</summary>
internal sealed record AssignUserRequest(long? ProfileId)
{
    public static bool TryRead(RequestBody.Outcome body, out AssignUserRequest request, out ValidationProblem? invalid)
    {
        request = new AssignUserRequest((long?)null);
        if (body.Empty || body.Root.ValueKind != JsonValueKind.Object || !body.Root.TryGetProperty("profile_id", out _))
        {
            invalid = ApiResults.Validation("profile_id", "profile_id is required");
            return false;
        }

        var fields = new JsonFields(body.Root);
        request = new AssignUserRequest(fields.Int64("profile_id"));
        invalid = fields.Errors.Count > 0 ? ApiResults.Validation("profile_id", "profile_id must be a profile id or null.") : null;
        return invalid is null;
    }
}

/// <summary>The body of <c>PUT /admin/users/consumption-profile</c>: <c>user_ids</c> (1 to 10,000 strings) and <c>profile_id</c>, null to unassign.</summary>
internal sealed record AssignUsersRequest(IReadOnlyList<string> UserIds, long? ProfileId)
{
    /// <summary>The most users one request may assign: it is one transaction and one audit entry.</summary>
    public const int MaxUsers = 10_000;

    public static bool TryRead(RequestBody.Outcome body, out AssignUsersRequest request, out ValidationProblem? invalid)
    {
        request = new AssignUsersRequest([], null);
        if (body.Empty || body.Root.ValueKind != JsonValueKind.Object)
        {
            invalid = ApiResults.Validation("body", "No data provided");
            return false;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var userIds = ReadUserIds(body.Root, errors);
        long? profileId = null;
        if (!body.Root.TryGetProperty("profile_id", out _))
        {
            errors["profile_id"] = ["profile_id is required"];
        }
        else
        {
            var fields = new JsonFields(body.Root);
            profileId = fields.Int64("profile_id");
            if (fields.Errors.Count > 0)
            {
                errors["profile_id"] = ["profile_id must be a profile id or null."];
            }
        }

        request = new AssignUsersRequest(userIds, profileId);
        invalid = errors.Count > 0 ? ApiResults.Validation(errors) : null;
        return invalid is null;
    }

    private static List<string> ReadUserIds(JsonElement root, Dictionary<string, string[]> errors)
    {
        var userIds = new List<string>();
        if (!root.TryGetProperty("user_ids", out var ids) || ids.ValueKind != JsonValueKind.Array)
        {
            errors["user_ids"] = ["user_ids must be an array of user ids."];
        }
        else if (ids.GetArrayLength() is 0 or > MaxUsers)
        {
            errors["user_ids"] = [$"user_ids must hold 1 to {MaxUsers} user ids."];
        }
        else
        {
            foreach (var item in ids.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    errors["user_ids"] = ["user_ids must be an array of strings."];
                    break;
                }

                userIds.Add(item.GetString()!);
            }
        }

        return userIds;
    }
}
