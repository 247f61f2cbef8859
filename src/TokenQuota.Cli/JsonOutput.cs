using System.Text.Encodings.Web;
using System.Text.Json;

namespace TokenQuota.Cli;

/// <summary>
/// Writes <c>--json</c> results: indented System.Text.Json. Library types keep their own (seed-compatible) property
/// names; the tool's own result types are written in snake_case like them.
/// </summary>
internal static class JsonOutput
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write<T>(TextWriter output, T value) =>
        output.WriteLine(JsonSerializer.Serialize(value, Options));

    /// <summary>Parses a JSON text stored by the library (for example an audit entry's before/after) for embedding.</summary>
    /// <param name="json">The JSON text, or <see langword="null"/>.</param>
    /// <returns>The parsed element, the text itself when it is not JSON, or <see langword="null"/>.</returns>
    public static object? Embed(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
