using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TokenQuota.AspNetCore;

/// <summary><c>GET /admin/consumption-profiles</c>: every profile, default first.</summary>
internal sealed record ProfileListResponse([property: JsonPropertyName("profiles")] IReadOnlyList<ConsumptionProfile> Profiles)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}

/// <summary><c>GET /admin/consumption-profiles/{id}</c>: one profile.</summary>
internal sealed record ProfileResponse([property: JsonPropertyName("profile")] ConsumptionProfile Profile)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}

/// <summary>A change to one profile (create, update, activate, deactivate, set-default): the seed's message and the profile after it.</summary>
internal sealed record ProfileChangedResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("profile")] ConsumptionProfile Profile)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}

/// <summary><c>GET /admin/consumption-profiles/{id}/users</c>: one page of the users assigned to a profile.</summary>
internal sealed record ProfileUsersResponse(
    [property: JsonPropertyName("profile_id")] long ProfileId,
    [property: JsonPropertyName("total_count")] long TotalCount,
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("users")] IReadOnlyList<ProfileUserItem> Users)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}

/// <summary>One assignment of <see cref="ProfileUsersResponse"/>.</summary>
internal sealed record ProfileUserItem(
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("profile_id")] long ProfileId,
    [property: JsonPropertyName("assigned_at")] DateTimeOffset AssignedAt)
{
    public static ProfileUserItem From(UserAssignment assignment) => new(assignment.UserId, assignment.ProfileId, assignment.AssignedAt);
}

/// <summary>
/// The body of <c>POST /admin/consumption-profiles</c>: the seed's fields, each optional but <c>name</c>. An omitted
/// rate takes the seed's default; an omitted or null token limit is unlimited; an omitted calendar is UTC from day 1 and
/// omitted <c>limits</c> none.
/// </summary>
internal sealed record CreateProfileRequest(
    string Name,
    string? Description,
    int? PromptsPerHour,
    int? PromptsPerDay,
    int? ConfigChangesPerHour,
    long? InputTokensPerMonth,
    long? OutputTokensPerMonth,
    bool? IsDefault,
    bool? IsActive,
    string? TimeZone,
    int? AnchorDay,
    DayOfWeek? WeekStart,
    IReadOnlyList<QuotaLimit>? Limits)
{
    /// <summary>Reads the fields, collecting an error per field; the library validates the values themselves.</summary>
    public static bool TryRead(JsonElement root, out CreateProfileRequest request, out ValidationProblem? invalid)
    {
        var fields = new JsonFields(root);
        var name = fields.String("name");
        if (!fields.Errors.ContainsKey("name") && string.IsNullOrWhiteSpace(name))
        {
            fields.Errors["name"] = ["Profile name is required"];
        }

        var description = fields.String("description");
        ProfileFields.RequireRatesNotNull(fields);
        var perHour = fields.Int32("prompts_per_hour");
        var perDay = fields.Int32("prompts_per_day");
        var config = fields.Int32("config_changes_per_hour");
        var input = fields.Int64("input_tokens_per_month");
        var output = fields.Int64("output_tokens_per_month");
        ProfileFields.RequireFlagsNotNull(fields);
        ProfileFields.RequireCalendarNotNull(fields);
        request = new CreateProfileRequest(
            name!, description, perHour, perDay, config, input, output, fields.Boolean("is_default"), fields.Boolean("is_active"),
            fields.String("time_zone"), fields.Int32("anchor_day"), fields.WeekDay("week_start"), fields.Limits("limits"));
        invalid = fields.Errors.Count > 0 ? ApiResults.Validation(fields.Errors) : null;
        return invalid is null;
    }

    public NewConsumptionProfile ToNewProfile()
    {
        var defaults = new NewConsumptionProfile { Name = Name };
        return defaults with
        {
            Description = Description,
            PromptsPerHour = PromptsPerHour ?? defaults.PromptsPerHour,
            PromptsPerDay = PromptsPerDay ?? defaults.PromptsPerDay,
            ConfigChangesPerHour = ConfigChangesPerHour ?? defaults.ConfigChangesPerHour,
            InputTokensPerMonth = InputTokensPerMonth,
            OutputTokensPerMonth = OutputTokensPerMonth,
            IsDefault = IsDefault ?? false,
            IsActive = IsActive ?? true,
            TimeZone = TimeZone ?? defaults.TimeZone,
            AnchorDay = AnchorDay ?? defaults.AnchorDay,
            WeekStart = WeekStart ?? defaults.WeekStart,
            Limits = Limits ?? defaults.Limits,
        };
    }
}

/// <summary>
/// The body of <c>PUT /admin/consumption-profiles/{id}</c>: only the given fields change. Description and token limits
/// may be set to null (none, unlimited), so their presence is kept apart from their value.
/// </summary>
internal sealed record UpdateProfileRequest(
    string? Name,
    Optional<string?> Description,
    int? PromptsPerHour,
    int? PromptsPerDay,
    int? ConfigChangesPerHour,
    Optional<long?> InputTokensPerMonth,
    Optional<long?> OutputTokensPerMonth,
    bool? IsDefault,
    bool? IsActive,
    string? TimeZone,
    int? AnchorDay,
    DayOfWeek? WeekStart,
    IReadOnlyList<QuotaLimit>? Limits)
{
    /// <summary>Reads the fields, collecting an error per field; null is refused where the seed has no "none".</summary>
    public static bool TryRead(JsonElement root, out UpdateProfileRequest request, out ValidationProblem? invalid)
    {
        var fields = new JsonFields(root);
        fields.RequireNotNull("name", "Profile name is required");
        ProfileFields.RequireRatesNotNull(fields);
        ProfileFields.RequireFlagsNotNull(fields);
        ProfileFields.RequireCalendarNotNull(fields);
        request = new UpdateProfileRequest(
            fields.String("name"),
            fields.Has("description") ? new Optional<string?>(fields.String("description")) : default,
            fields.Int32("prompts_per_hour"),
            fields.Int32("prompts_per_day"),
            fields.Int32("config_changes_per_hour"),
            fields.Has("input_tokens_per_month") ? new Optional<long?>(fields.Int64("input_tokens_per_month")) : default,
            fields.Has("output_tokens_per_month") ? new Optional<long?>(fields.Int64("output_tokens_per_month")) : default,
            fields.Boolean("is_default"),
            fields.Boolean("is_active"),
            fields.String("time_zone"),
            fields.Int32("anchor_day"),
            fields.WeekDay("week_start"),
            fields.IsNull("limits") ? [] : fields.Limits("limits"));
        invalid = fields.Errors.Count > 0 ? ApiResults.Validation(fields.Errors) : null;
        return invalid is null;
    }

    public ConsumptionProfileUpdate ToUpdate() => new()
    {
        Name = Name,
        Description = Description,
        PromptsPerHour = PromptsPerHour,
        PromptsPerDay = PromptsPerDay,
        ConfigChangesPerHour = ConfigChangesPerHour,
        InputTokensPerMonth = InputTokensPerMonth,
        OutputTokensPerMonth = OutputTokensPerMonth,
        IsDefault = IsDefault,
        IsActive = IsActive,
        TimeZone = TimeZone,
        AnchorDay = AnchorDay,
        WeekStart = WeekStart,
        Limits = Limits,
    };
}

/// <summary>The checks create and update share: the rates and flags have no "none", so null is an error.</summary>
internal static class ProfileFields
{
    private static readonly string[] Rates = ["prompts_per_hour", "prompts_per_day", "config_changes_per_hour"];

    public static void RequireRatesNotNull(JsonFields fields)
    {
        foreach (var rate in Rates)
        {
            fields.RequireNotNull(rate, $"{rate} must be an integer from 0 to {int.MaxValue}.");
        }
    }

    public static void RequireCalendarNotNull(JsonFields fields)
    {
        fields.RequireNotNull("time_zone", "time_zone must be an IANA time zone id such as \"Europe/Paris\", or \"UTC\".");
        fields.RequireNotNull("anchor_day", "anchor_day must be a day of the month from 1 to 31.");
        fields.RequireNotNull("week_start", "week_start must be a day of the week, monday to sunday.");
    }

    public static void RequireFlagsNotNull(JsonFields fields)
    {
        fields.RequireNotNull("is_default", "is_default must be true or false.");
        fields.RequireNotNull("is_active", "is_active must be true or false.");
    }
}
