namespace TokenQuota;

/// <summary>The validation rules of profile fields; errors are keyed by the field's JSON name.</summary>
internal static class ProfileValidator
{
    public const int MaxNameLength = 100;

    public static string ValidateNew(NewConsumptionProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var errors = new Dictionary<string, string[]>();
        var name = CheckName(profile.Name, errors);
        CheckRate("prompts_per_hour", profile.PromptsPerHour, errors);
        CheckRate("prompts_per_day", profile.PromptsPerDay, errors);
        CheckRate("config_changes_per_hour", profile.ConfigChangesPerHour, errors);
        CheckLimit("input_tokens_per_month", profile.InputTokensPerMonth, errors);
        CheckLimit("output_tokens_per_month", profile.OutputTokensPerMonth, errors);
        CheckCalendar(profile.TimeZone, profile.AnchorDay, profile.WeekStart, errors);
        LimitSetValidator.Check(profile.Limits ?? [], errors);
        ThrowIfAny(errors);
        return name!;
    }

    public static string? ValidateUpdate(ConsumptionProfileUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var errors = new Dictionary<string, string[]>();
        var name = update.Name is null ? null : CheckName(update.Name, errors);
        CheckRate("prompts_per_hour", update.PromptsPerHour, errors);
        CheckRate("prompts_per_day", update.PromptsPerDay, errors);
        CheckRate("config_changes_per_hour", update.ConfigChangesPerHour, errors);
        if (update.InputTokensPerMonth.HasValue)
        {
            CheckLimit("input_tokens_per_month", update.InputTokensPerMonth.Value, errors);
        }

        if (update.OutputTokensPerMonth.HasValue)
        {
            CheckLimit("output_tokens_per_month", update.OutputTokensPerMonth.Value, errors);
        }

        CheckCalendar(update.TimeZone, update.AnchorDay, update.WeekStart, errors);
        if (update.Limits is { } limits)
        {
            LimitSetValidator.Check(limits, errors);
        }

        ThrowIfAny(errors);
        return name;
    }

    private static void CheckCalendar(string? timeZone, int? anchorDay, DayOfWeek? weekStart, Dictionary<string, string[]> errors)
    {
        if (timeZone is not null && QuotaCalendar.TimeZoneProblem(timeZone) is { } problem)
        {
            errors["time_zone"] = [problem];
        }

        if (anchorDay is < 1 or > 31)
        {
            errors["anchor_day"] = [$"anchor_day must be a day of the month from 1 to 31; got {anchorDay}."];
        }

        if (weekStart is { } day && !Enum.IsDefined(day))
        {
            errors["week_start"] = [$"{WeekStartJsonConverter.Problem}; got {(int)day}."];
        }
    }

    private static string? CheckName(string? name, Dictionary<string, string[]> errors)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            errors["name"] = ["Profile name is required."];
            return null;
        }

        if (trimmed.Length > MaxNameLength)
        {
            errors["name"] = [$"Profile name is {trimmed.Length} characters long; at most {MaxNameLength} are allowed."];
            return null;
        }

        if (trimmed.Any(char.IsControl))
        {
            errors["name"] = ["Profile name cannot contain control characters."];
            return null;
        }

        return trimmed;
    }

    private static void CheckRate(string field, int? value, Dictionary<string, string[]> errors)
    {
        if (value < 0)
        {
            errors[field] = [$"{field} must be a non-negative integer; got {value}."];
        }
    }

    private static void CheckLimit(string field, long? value, Dictionary<string, string[]> errors)
    {
        if (value < 0)
        {
            errors[field] = [$"{field} must be null (unlimited) or a non-negative integer; got {value}."];
        }
    }

    private static void ThrowIfAny(Dictionary<string, string[]> errors)
    {
        if (errors.Count > 0)
        {
            throw new ConsumptionProfileValidationException(errors);
        }
    }
}
