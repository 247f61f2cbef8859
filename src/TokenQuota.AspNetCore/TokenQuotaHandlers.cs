using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TokenQuota.AspNetCore;

/// <summary>The handlers of <c>MapTokenQuotaEndpoints()</c>. Every one maps the library's exceptions to status codes.</summary>
internal static class TokenQuotaHandlers
{
    private const string NotFoundMessage = "Consumption profile not found";
    private const string UserNotFoundMessage = "User not found";
    private const int MaxBulkUsers = 10_000;

    // ---- profiles -------------------------------------------------------------------------------------------------

    public static Task<IResult> ListProfiles(HttpContext http) => Run(http, async () =>
    {
        var profiles = await Manager(http).ListAsync(http.RequestAborted);
        return ApiResults.Success(new { status = "success", profiles });
    });

    public static Task<IResult> GetProfile(HttpContext http, long id) => Run(http, async () =>
    {
        var profile = await Manager(http).GetAsync(id, http.RequestAborted);
        return ApiResults.Success(new { status = "success", profile });
    });

    public static Task<IResult> CreateProfile(HttpContext http) => Run(http, async () =>
    {
        var body = await RequestBody.ReadAsync(http, Options(http).MaxRequestBodySize);
        if (body.Error is not null)
        {
            return body.Error;
        }

        if (body.Empty || (body.Root.ValueKind == JsonValueKind.Object && !body.Root.EnumerateObject().Any()))
        {
            return ApiResults.Validation("body", "No data provided");
        }

        if (body.Root.ValueKind != JsonValueKind.Object)
        {
            return ApiResults.Validation("body", "The request body must be a JSON object.");
        }

        var fields = new JsonFields(body.Root);
        var name = fields.String("name");
        if (!fields.Errors.ContainsKey("name") && string.IsNullOrWhiteSpace(name))
        {
            fields.Errors["name"] = ["Profile name is required"];
        }

        var description = fields.String("description");
        foreach (var rate in new[] { "prompts_per_hour", "prompts_per_day", "config_changes_per_hour" })
        {
            fields.RequireNotNull(rate, $"{rate} must be an integer from 0 to {int.MaxValue}.");
        }

        var perHour = fields.Int32("prompts_per_hour");
        var perDay = fields.Int32("prompts_per_day");
        var config = fields.Int32("config_changes_per_hour");
        var input = fields.Int64("input_tokens_per_month");
        var output = fields.Int64("output_tokens_per_month");
        fields.RequireNotNull("is_default", "is_default must be true or false.");
        fields.RequireNotNull("is_active", "is_active must be true or false.");
        var isDefault = fields.Boolean("is_default");
        var isActive = fields.Boolean("is_active");
        if (fields.Errors.Count > 0)
        {
            return ApiResults.Validation(fields.Errors);
        }

        var defaults = new NewConsumptionProfile { Name = name! };
        var created = await Manager(http).CreateAsync(
            defaults with
            {
                Description = description,
                PromptsPerHour = perHour ?? defaults.PromptsPerHour,
                PromptsPerDay = perDay ?? defaults.PromptsPerDay,
                ConfigChangesPerHour = config ?? defaults.ConfigChangesPerHour,
                InputTokensPerMonth = input,
                OutputTokensPerMonth = output,
                IsDefault = isDefault ?? false,
                IsActive = isActive ?? true,
            },
            Actor(http),
            http.RequestAborted);
        http.Response.Headers.Location = $"{http.Request.PathBase}{http.Request.Path.Value?.TrimEnd('/')}/{created.Id.ToString(CultureInfo.InvariantCulture)}";
        return ApiResults.Success(
            new { status = "success", message = "Consumption profile created successfully", profile = created },
            StatusCodes.Status201Created);
    });

    public static Task<IResult> UpdateProfile(HttpContext http, long id) => Run(http, async () =>
    {
        var body = await RequestBody.ReadAsync(http, Options(http).MaxRequestBodySize);
        if (body.Error is not null)
        {
            return body.Error;
        }

        if (body.Empty || (body.Root.ValueKind == JsonValueKind.Object && !body.Root.EnumerateObject().Any()))
        {
            return ApiResults.Validation("body", "No data provided");
        }

        if (body.Root.ValueKind != JsonValueKind.Object)
        {
            return ApiResults.Validation("body", "The request body must be a JSON object.");
        }

        var fields = new JsonFields(body.Root);
        fields.RequireNotNull("name", "Profile name is required");
        foreach (var rate in new[] { "prompts_per_hour", "prompts_per_day", "config_changes_per_hour" })
        {
            fields.RequireNotNull(rate, $"{rate} must be an integer from 0 to {int.MaxValue}.");
        }

        fields.RequireNotNull("is_default", "is_default must be true or false.");
        fields.RequireNotNull("is_active", "is_active must be true or false.");
        var update = new ConsumptionProfileUpdate
        {
            Name = fields.String("name"),
            Description = fields.Has("description") ? new Optional<string?>(fields.String("description")) : default,
            PromptsPerHour = fields.Int32("prompts_per_hour"),
            PromptsPerDay = fields.Int32("prompts_per_day"),
            ConfigChangesPerHour = fields.Int32("config_changes_per_hour"),
            InputTokensPerMonth = fields.Has("input_tokens_per_month") ? new Optional<long?>(fields.Int64("input_tokens_per_month")) : default,
            OutputTokensPerMonth = fields.Has("output_tokens_per_month") ? new Optional<long?>(fields.Int64("output_tokens_per_month")) : default,
            IsDefault = fields.Boolean("is_default"),
            IsActive = fields.Boolean("is_active"),
        };
        if (fields.Errors.Count > 0)
        {
            return ApiResults.Validation(fields.Errors);
        }

        var profile = await Manager(http).UpdateAsync(id, update, Actor(http), http.RequestAborted);
        return ApiResults.Success(new { status = "success", message = "Consumption profile updated successfully", profile });
    });

    public static Task<IResult> DeleteProfile(HttpContext http, long id) => Run(http, async () =>
    {
        long? reassignTo = null;
        if (http.Request.Query.TryGetValue("reassign_to", out var raw) && !string.IsNullOrEmpty(raw))
        {
            if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var target))
            {
                return ApiResults.Validation("reassign_to", "reassign_to must be a profile id.");
            }

            reassignTo = target;
        }

        await Manager(http).DeleteAsync(id, reassignTo, Actor(http), http.RequestAborted);
        return ApiResults.Success(new { status = "success", message = "Consumption profile deleted successfully" });
    });

    public static Task<IResult> ActivateProfile(HttpContext http, long id) => Run(http, async () =>
    {
        var profile = await Manager(http).ActivateAsync(id, Actor(http), http.RequestAborted);
        return ApiResults.Success(new { status = "success", message = "Consumption profile activated successfully", profile });
    });

    public static Task<IResult> DeactivateProfile(HttpContext http, long id) => Run(http, async () =>
    {
        var profile = await Manager(http).DeactivateAsync(id, Actor(http), http.RequestAborted);
        return ApiResults.Success(new { status = "success", message = "Consumption profile deactivated successfully", profile });
    });

    public static Task<IResult> SetDefaultProfile(HttpContext http, long id) => Run(http, async () =>
    {
        var profile = await Manager(http).SetDefaultAsync(id, Actor(http), http.RequestAborted);
        return ApiResults.Success(new { status = "success", message = "Consumption profile set as default successfully", profile });
    });

    public static Task<IResult> ListProfileUsers(HttpContext http, long id) => Run(http, async () =>
    {
        if (!TryPaging(http, out var offset, out var limit, out var error))
        {
            return error;
        }

        var page = await Manager(http).ListAssignmentsAsync(id, offset, limit, http.RequestAborted);
        return ApiResults.Success(new
        {
            status = "success",
            profile_id = id,
            total_count = page.TotalCount,
            offset = page.Offset,
            limit = page.Limit,
            users = page.Items.Select(a => new { user_id = a.UserId, profile_id = a.ProfileId, assigned_at = a.AssignedAt }),
        });
    });

    // ---- assignments ----------------------------------------------------------------------------------------------

    public static Task<IResult> AssignUser(HttpContext http, string userId) => Run(http, async () =>
    {
        var body = await RequestBody.ReadAsync(http, Options(http).MaxRequestBodySize);
        if (body.Error is not null)
        {
            return body.Error;
        }

        if (body.Empty || body.Root.ValueKind != JsonValueKind.Object || !body.Root.TryGetProperty("profile_id", out _))
        {
            return ApiResults.Validation("profile_id", "profile_id is required");
        }

        var fields = new JsonFields(body.Root);
        var profileId = fields.Int64("profile_id");
        if (fields.Errors.Count > 0)
        {
            return ApiResults.Validation("profile_id", "profile_id must be a profile id or null.");
        }

        var manager = Manager(http);
        try
        {
            await manager.AssignAsync(userId, profileId, Actor(http), http.RequestAborted);
        }
        catch (Exception ex) when (ex is ConsumptionProfileNotFoundException
            or ConsumptionProfileOperationRefusedException { Reason: ProfileRefusalReason.ProfileInactive })
        {
            return ApiResults.Error(StatusCodes.Status404NotFound, "Consumption profile not found or inactive");
        }

        var profile = profileId is { } pid ? await manager.GetAsync(pid, http.RequestAborted) : null;
        return ApiResults.Success(new
        {
            status = "success",
            message = profile is null
                ? "Consumption profile unassigned successfully"
                : $"Consumption profile assigned to {profile.Name} successfully",
            user = new { user_id = userId, consumption_profile_id = profile?.Id, consumption_profile = profile },
        });
    });

    public static Task<IResult> AssignUsers(HttpContext http) => Run(http, async () =>
    {
        var body = await RequestBody.ReadAsync(http, Options(http).MaxRequestBodySize);
        if (body.Error is not null)
        {
            return body.Error;
        }

        if (body.Empty || body.Root.ValueKind != JsonValueKind.Object)
        {
            return ApiResults.Validation("body", "No data provided");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var userIds = new List<string>();
        if (!body.Root.TryGetProperty("user_ids", out var ids) || ids.ValueKind != JsonValueKind.Array)
        {
            errors["user_ids"] = ["user_ids must be an array of user ids."];
        }
        else if (ids.GetArrayLength() is 0 or > MaxBulkUsers)
        {
            errors["user_ids"] = [$"user_ids must hold 1 to {MaxBulkUsers} user ids."];
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

        if (errors.Count > 0)
        {
            return ApiResults.Validation(errors);
        }

        int assigned;
        try
        {
            assigned = await Manager(http).AssignManyAsync(userIds, profileId, Actor(http), http.RequestAborted);
        }
        catch (Exception ex) when (ex is ConsumptionProfileNotFoundException
            or ConsumptionProfileOperationRefusedException { Reason: ProfileRefusalReason.ProfileInactive })
        {
            return ApiResults.Error(StatusCodes.Status404NotFound, "Consumption profile not found or inactive");
        }
        catch (ArgumentException ex)
        {
            return ApiResults.Validation("user_ids", ex.Message);
        }

        return ApiResults.Success(new
        {
            status = "success",
            message = profileId is null
                ? $"Consumption profile unassigned from {assigned} user(s) successfully"
                : $"Consumption profile assigned to {assigned} user(s) successfully",
            assigned,
            profile_id = profileId,
        });
    });

    public static Task<IResult> GetUserProfile(HttpContext http, string userId) => Run(http, async () =>
    {
        var profile = await Manager(http).GetEffectiveProfileAsync(userId, http.RequestAborted);
        return ApiResults.Success(new { status = "success", user = new { user_id = userId, effective_profile = profile } });
    });

    // ---- reports and audit ----------------------------------------------------------------------------------------

    public static Task<IResult> Usage(HttpContext http) => Run(http, async () =>
    {
        var query = http.Request.Query;
        var period = QuotaPeriod.Current(Time(http));
        if (query.TryGetValue("period", out var rawPeriod) && !string.IsNullOrEmpty(rawPeriod) && !QuotaPeriod.TryParse(rawPeriod, out period))
        {
            return ApiResults.Validation("period", "Invalid period format. Use YYYY-MM");
        }

        var sort = UsageSortOrder.TotalTokens;
        if (query.TryGetValue("sort", out var rawSort) && !string.IsNullOrEmpty(rawSort))
        {
            switch (rawSort.ToString())
            {
                case "total_tokens": sort = UsageSortOrder.TotalTokens; break;
                case "input_tokens": sort = UsageSortOrder.InputTokens; break;
                case "output_tokens": sort = UsageSortOrder.OutputTokens; break;
                case "user_id": sort = UsageSortOrder.UserId; break;
                default: return ApiResults.Validation("sort", "sort must be total_tokens, input_tokens, output_tokens or user_id.");
            }
        }

        if (!TryPaging(http, out var offset, out var limit, out var error))
        {
            return error;
        }

        var page = await Reports(http).GetUsageAsync(period, sort, offset, limit, http.RequestAborted);
        return ApiResults.Success(new
        {
            status = "success",
            period = period.Key,
            total_count = page.TotalCount,
            offset = page.Offset,
            limit = page.Limit,
            users = page.Items,
        });
    });

    public static Task<IResult> UsagePeriods(HttpContext http) => Run(http, async () =>
    {
        var periods = await Reports(http).GetPeriodTotalsAsync(http.RequestAborted);
        return ApiResults.Success(new { status = "success", periods });
    });

    public static Task<IResult> UserUsageHistory(HttpContext http, string userId) => Run(http, async () =>
    {
        var history = await Reports(http).GetUserHistoryAsync(userId, http.RequestAborted);
        return ApiResults.Success(new { status = "success", user_id = userId, history });
    });

    public static Task<IResult> AuditLog(HttpContext http) => Run(http, async () =>
    {
        if (!TryPaging(http, out var offset, out var limit, out var error))
        {
            return error;
        }

        var query = http.Request.Query;
        DateTimeOffset? from = null, to = null;
        if (query.TryGetValue("from", out var rawFrom) && !string.IsNullOrEmpty(rawFrom))
        {
            if (!DateTimeOffset.TryParse(rawFrom, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var f))
            {
                return ApiResults.Validation("from", "from must be an ISO 8601 date and time.");
            }

            from = f;
        }

        if (query.TryGetValue("to", out var rawTo) && !string.IsNullOrEmpty(rawTo))
        {
            if (!DateTimeOffset.TryParse(rawTo, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            {
                return ApiResults.Validation("to", "to must be an ISO 8601 date and time.");
            }

            to = t;
        }

        var page = await Manager(http).QueryAuditLogAsync(
            new QuotaAuditQuery
            {
                From = from,
                To = to,
                Actor = NullIfEmpty(query["actor"]),
                Action = NullIfEmpty(query["action"]),
                Target = NullIfEmpty(query["target"]),
                Offset = offset,
                Limit = limit,
            },
            http.RequestAborted);
        return ApiResults.Success(new
        {
            status = "success",
            total_count = page.TotalCount,
            offset = page.Offset,
            limit = page.Limit,
            entries = page.Items.Select(e => new
            {
                id = e.Id,
                occurred_at = e.OccurredAt,
                actor = e.Actor,
                action = e.Action,
                target = e.Target,
                before = ParseJson(e.Before),
                after = ParseJson(e.After),
            }),
        });
    });

    // ---- rate-limit settings --------------------------------------------------------------------------------------

    public static Task<IResult> GetRateLimitSettings(HttpContext http) => Run(http, async () =>
    {
        var settings = await Manager(http).GetRateLimitSettingsAsync(http.RequestAborted);
        return ApiResults.Success(new { status = "success", settings });
    });

    public static Task<IResult> UpdateRateLimitSettings(HttpContext http) => Run(http, async () =>
    {
        var body = await RequestBody.ReadAsync(http, Options(http).MaxRequestBodySize);
        if (body.Error is not null)
        {
            return body.Error;
        }

        if (body.Empty || (body.Root.ValueKind == JsonValueKind.Object && !body.Root.EnumerateObject().Any()))
        {
            return ApiResults.Validation("body", "No data provided");
        }

        if (body.Root.ValueKind != JsonValueKind.Object)
        {
            return ApiResults.Validation("body", "The request body must be a JSON object.");
        }

        var fields = new JsonFields(body.Root);
        foreach (var property in body.Root.EnumerateObject())
        {
            if (RateLimitSettingsFields.Refusal(property.Name) is { } refusal)
            {
                fields.Errors[property.Name] = [refusal];
            }
        }

        var update = new RateLimitSettingsUpdate
        {
            Enabled = fields.Boolean(RateLimitSettingsFields.Enabled),
            GlobalOverride = fields.Boolean(RateLimitSettingsFields.GlobalOverride),
        };
        if (fields.Errors.Count > 0)
        {
            return ApiResults.Validation(fields.Errors);
        }

        var settings = await Manager(http).UpdateRateLimitSettingsAsync(update, Actor(http), http.RequestAborted);
        return ApiResults.Success(new { status = "success", message = "Rate limit settings updated successfully", settings });
    });

    // ---- user -----------------------------------------------------------------------------------------------------

    public static Task<IResult> QuotaStatus(HttpContext http) => Run(http, async () =>
    {
        var userId = UserId(http);
        if (userId is null)
        {
            return ApiResults.Problem(StatusCodes.Status403Forbidden, "Forbidden", "The signed-in user has no user id claim.");
        }

        var quota = await http.RequestServices.GetRequiredService<ITokenQuotaChecker>().GetStatusAsync(userId, http.RequestAborted);
        return ApiResults.Success(new { status = "success", quota });
    });

    // ---- shared ---------------------------------------------------------------------------------------------------

    internal static string? UserId(HttpContext http)
    {
        var value = http.User.FindFirst(Options(http).UserIdClaimType)?.Value;
        return string.IsNullOrEmpty(value) ? null : value;
    }

    internal static TokenQuotaAspNetCoreOptions Options(HttpContext http) =>
        http.RequestServices.GetService<IOptions<TokenQuotaAspNetCoreOptions>>()?.Value ?? new TokenQuotaAspNetCoreOptions();

    internal static TimeProvider Time(HttpContext http) => http.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;

    /// <summary>Runs a handler and maps the library's exceptions: validation 400, not found (profile or user) 404, conflict 409, refusal 400, store 503.</summary>
    private static async Task<IResult> Run(HttpContext http, Func<Task<IResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (ConsumptionProfileValidationException ex)
        {
            return ApiResults.Validation(ex.Errors);
        }
        catch (ConsumptionProfileNotFoundException)
        {
            return ApiResults.Error(StatusCodes.Status404NotFound, NotFoundMessage);
        }
        catch (UnknownUserException ex)
        {
            return UnknownUser(ex);
        }
        catch (ConsumptionProfileConflictException ex)
        {
            return ApiResults.Error(StatusCodes.Status409Conflict, ex.Message);
        }
        catch (ConsumptionProfileOperationRefusedException ex) when (ex.Reason == ProfileRefusalReason.ProfileInUse)
        {
            return ApiResults.Success(
                new { status = "error", message = ex.Message, reason = Snake(ex.Reason), user_count = ex.AssignedUserCount },
                StatusCodes.Status400BadRequest);
        }
        catch (ConsumptionProfileOperationRefusedException ex)
        {
            return ApiResults.Success(new { status = "error", message = ex.Message, reason = Snake(ex.Reason) }, StatusCodes.Status400BadRequest);
        }
        catch (TokenQuotaStoreException ex)
        {
            return ApiResults.Problem(StatusCodes.Status503ServiceUnavailable, "Quota store unavailable", ex.Message);
        }
        catch (ArgumentException ex)
        {
            return ApiResults.Problem(StatusCodes.Status400BadRequest, "Bad request", ex.Message);
        }
        catch (BadHttpRequestException ex)
        {
            return ApiResults.Problem(ex.StatusCode, "Bad request", ex.Message);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
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

    private static bool TryPaging(HttpContext http, out int offset, out int limit, out IResult error)
    {
        offset = 0;
        limit = 100;
        error = Results.Empty;
        var query = http.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (query.TryGetValue("offset", out var rawOffset) && !string.IsNullOrEmpty(rawOffset)
            && (!int.TryParse(rawOffset, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            errors["offset"] = ["offset must be an integer of 0 or more."];
        }

        if (query.TryGetValue("limit", out var rawLimit) && !string.IsNullOrEmpty(rawLimit)
            && (!int.TryParse(rawLimit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > Paging.MaxLimit))
        {
            errors["limit"] = [$"limit must be an integer from 1 to {Paging.MaxLimit}."];
        }

        if (errors.Count > 0)
        {
            error = ApiResults.Validation(errors);
            return false;
        }

        return true;
    }

    private static IConsumptionProfileManager Manager(HttpContext http) => http.RequestServices.GetRequiredService<IConsumptionProfileManager>();

    private static IUsageReports Reports(HttpContext http) => http.RequestServices.GetRequiredService<IUsageReports>();

    private static string? Actor(HttpContext http) => UserId(http) ?? http.User.Identity?.Name ?? http.User.FindFirst(ClaimTypes.Name)?.Value;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static JsonNode? ParseJson(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return JsonValue.Create(json);
        }
    }

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
