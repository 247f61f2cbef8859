namespace TokenQuota;

/// <summary>
/// The rules of a profile's extra limits as a set, with errors keyed by the JSON path of the limit at fault
/// (<c>limits[2]</c>): no two limits of the same meter, window and model, and none that repeats a standard limit.
/// </summary>
internal static class LimitSetValidator
{
    /// <summary>The most extra limits a profile may carry.</summary>
    public const int MaxLimits = 50;

    /// <summary>Adds the errors of <paramref name="limits"/> to <paramref name="errors"/>.</summary>
    public static void Check(IReadOnlyList<QuotaLimit> limits, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(errors);
        if (limits.Count > MaxLimits)
        {
            errors["limits"] = [$"A profile carries at most {MaxLimits} extra limits; got {limits.Count}."];
            return;
        }

        for (var i = 0; i < limits.Count; i++)
        {
            var limit = limits[i];
            if (limit is null)
            {
                errors[$"limits[{i}]"] = ["A limit cannot be null."];
                continue;
            }

            if (StandardLimits.FieldFor(limit) is { } field)
            {
                errors[$"limits[{i}]"] = [$"{limit} repeats a standard limit of the profile; set {field} instead."];
                continue;
            }

            for (var j = 0; j < i; j++)
            {
                if (limits[j] is { } earlier && earlier.LimitsSameAs(limit))
                {
                    errors[$"limits[{i}]"] = [$"{limit} limits the same meter, window and model as limits[{j}] ({earlier}); keep one."];
                    break;
                }
            }
        }
    }
}
