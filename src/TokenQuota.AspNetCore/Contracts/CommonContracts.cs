using System.Text.Json.Serialization;

namespace TokenQuota.AspNetCore;

/// <summary>The seed's <c>status</c> values, which every non-ProblemDetails body opens with.</summary>
internal static class ApiStatus
{
    public const string Success = "success";

    public const string Error = "error";
}

/// <summary><c>{"status": "success", "message": …}</c>: a change that returns nothing else, such as a delete.</summary>
internal sealed record MessageResponse([property: JsonPropertyName("message")] string Message)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}

/// <summary><c>{"status": "error", "message": …}</c>: the seed's error body (not found, conflict).</summary>
internal sealed record ErrorResponse([property: JsonPropertyName("message")] string Message)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Error;
}

/// <summary>A refused profile operation: the seed's error body with the refusal's snake_case <c>reason</c>.</summary>
internal sealed record RefusalResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("reason")] string Reason)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Error;
}

/// <summary>A profile that cannot be deleted while users are assigned to it: the refusal with their count.</summary>
internal sealed record ProfileInUseResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("user_count")] long UserCount)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Error;
}
