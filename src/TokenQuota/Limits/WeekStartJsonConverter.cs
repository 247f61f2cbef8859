using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenQuota;

/// <summary>Writes the day weeks start on as its lower-case English name (<c>"monday"</c>), as the seed's snake_case fields are written, and reads it ignoring case.</summary>
internal sealed class WeekStartJsonConverter : JsonConverter<DayOfWeek>
{
    /// <summary>The problem with a value that is not a day's name, as every entry point words it.</summary>
    public const string Problem = "week_start must be a day of the week, monday to sunday";

    public override DayOfWeek Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && TryParse(reader.GetString(), out var day)
            ? day
            : throw new JsonException(Problem + ".");

    public override void Write(Utf8JsonWriter writer, DayOfWeek value, JsonSerializerOptions options) =>
        writer.WriteStringValue(NameOf(value));

    /// <summary>The wire name of a day: <c>monday</c> … <c>sunday</c>.</summary>
    public static string NameOf(DayOfWeek day) => day.ToString().ToLowerInvariant();

    /// <summary>Reads a day's English name, ignoring case and surrounding white space; numbers and lists are not days.</summary>
    public static bool TryParse(string? text, out DayOfWeek day)
    {
        var name = text?.Trim();
        foreach (var candidate in Enum.GetValues<DayOfWeek>())
        {
            if (string.Equals(candidate.ToString(), name, StringComparison.OrdinalIgnoreCase))
            {
                day = candidate;
                return true;
            }
        }

        day = default;
        return false;
    }
}
