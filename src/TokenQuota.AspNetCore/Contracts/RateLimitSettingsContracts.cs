using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TokenQuota.AspNetCore;

/// <summary><c>GET /admin/rate-limit-settings</c>: the run-time settings in force.</summary>
internal sealed record RateLimitSettingsResponse([property: JsonPropertyName("settings")] RateLimitSettings Settings)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}

/// <summary><c>PUT /admin/rate-limit-settings</c>: the seed's message and the settings after the change.</summary>
internal sealed record RateLimitSettingsChangedResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("settings")] RateLimitSettings Settings)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}

/// <summary>The body of <c>PUT /admin/rate-limit-settings</c>: either of the two run-time keys; every other key is refused.</summary>
internal sealed record RateLimitSettingsRequest(bool? Enabled, bool? GlobalOverride)
{
    public static bool TryRead(JsonElement root, out RateLimitSettingsRequest request, out ValidationProblem? invalid)
    {
        var fields = new JsonFields(root);
        foreach (var property in root.EnumerateObject())
        {
            if (RateLimitSettingsFields.Refusal(property.Name) is { } refusal)
            {
                fields.Errors[property.Name] = [refusal];
            }
        }

        request = new RateLimitSettingsRequest(fields.Boolean(RateLimitSettingsFields.Enabled), fields.Boolean(RateLimitSettingsFields.GlobalOverride));
        invalid = fields.Errors.Count > 0 ? ApiResults.Validation(fields.Errors) : null;
        return invalid is null;
    }

    public RateLimitSettingsUpdate ToUpdate() => new() { Enabled = Enabled, GlobalOverride = GlobalOverride };
}
