using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenQuota;

/// <summary>
/// Writes a <see cref="QuotaLimit"/> as <c>{"meter": "total_tokens", "window": "minute", "model": "gpt-4o*", "amount": 20000}</c>
/// (<c>window</c> left out for in flight, <c>model</c> for every model, <c>algorithm</c> for a fixed window) and reads it back.
/// </summary>
internal sealed class QuotaLimitJsonConverter : JsonConverter<QuotaLimit>
{
    public override QuotaLimit Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A limit is a JSON object with meter, window, amount and optionally model and algorithm.");
        }

        string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        long? amount = root.TryGetProperty("amount", out var given) && given.ValueKind == JsonValueKind.Number ? given.GetInt64() : null;
        return QuotaLimit.TryCreate(Text("meter"), Text("window"), Text("algorithm"), amount, Text("model"), out var limit, out var problems)
            ? limit
            : throw new JsonException(string.Join(" ", problems.Select(p => $"{p.Key}: {p.Value}")));
    }

    public override void Write(Utf8JsonWriter writer, QuotaLimit value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("meter", LimitNames.Of(value.Meter));
        if (value.Window is { } window)
        {
            writer.WriteString("window", LimitNames.Of(window));
        }

        if (value.Model is { } model)
        {
            writer.WriteString("model", model.Pattern);
        }

        if (value.Amount is { } amount)
        {
            writer.WriteNumber("amount", amount);
        }
        else
        {
            writer.WriteNull("amount");
        }

        if (value.Algorithm != LimitAlgorithm.FixedWindow)
        {
            writer.WriteString("algorithm", LimitNames.Of(value.Algorithm));
        }

        writer.WriteEndObject();
    }
}
