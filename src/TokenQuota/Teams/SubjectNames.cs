using System.Globalization;

namespace TokenQuota;

/// <summary>How teams and organisations are named to people and to the store.</summary>
internal static class SubjectNames
{
    /// <summary>The longest team or organisation name accepted, as for profiles.</summary>
    public const int MaxNameLength = ProfileValidator.MaxNameLength;

    /// <summary>The word for a level in messages ("Team", "Organisation", "User").</summary>
    public static string Label(QuotaSubjectLevel level) => level switch
    {
        QuotaSubjectLevel.Team => "Team",
        QuotaSubjectLevel.Organisation => "Organisation",
        _ => "User",
    };

    /// <summary>The level as status and JSON write it ("user", "team", "organisation").</summary>
    public static string Of(QuotaSubjectLevel level) => Label(level).ToLowerInvariant();

    /// <summary>
    /// The id under which the store keeps a team's or an organisation's counters and holds. It starts with a control
    /// character, which no user id may hold (<see cref="UserIds"/>), so a shared counter never meets a user's.
    /// </summary>
    public static string CounterSubject(QuotaSubjectLevel level, long id) =>
        string.Create(CultureInfo.InvariantCulture, $"\u0001{Of(level)}:{id}");

    /// <summary>Checks a team or organisation name as profile names are checked; returns it trimmed.</summary>
    /// <exception cref="ConsumptionProfileValidationException">The name is empty, too long or holds a control character.</exception>
    public static string Validate(string? name, QuotaSubjectLevel level)
    {
        var label = Label(level);
        var trimmed = name?.Trim();
        string? problem = null;
        if (string.IsNullOrEmpty(trimmed))
        {
            problem = $"{label} name is required.";
        }
        else if (trimmed.Length > MaxNameLength)
        {
            problem = $"{label} name is {trimmed.Length} characters long; at most {MaxNameLength} are allowed.";
        }
        else if (trimmed.Any(char.IsControl))
        {
            problem = $"{label} name cannot contain control characters.";
        }

        return problem is null ? trimmed! : throw new ConsumptionProfileValidationException(new Dictionary<string, string[]> { ["name"] = [problem] });
    }
}
