using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenQuota;

/// <summary>
/// Writes a <see cref="ModelPrice"/> as <c>{"model": "gpt-4o", "effective_from": "2026-01-01T00:00:00+00:00",
/// "input_per_million": 2.5, "cached_input_per_million": 1.25, "output_per_million": 10, "reasoning_per_million": null}</c>
/// (prices in the currency, exact decimals) and reads it back, prices as numbers or strings.
/// </summary>
internal sealed class ModelPriceJsonConverter : JsonConverter<ModelPrice>
{
    public override ModelPrice Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A model price is a JSON object with model, input_per_million, output_per_million and optionally effective_from, cached_input_per_million and reasoning_per_million.");
        }

        return ModelPrice.TryCreate(
            Text("model"), Text("effective_from"), Text("input_per_million"), Text("output_per_million"), Text("cached_input_per_million"), Text("reasoning_per_million"), out var price, out var problems)
            ? price
            : throw new JsonException(string.Join(" ", problems.Select(p => p.Value)));

        string? Text(string name) => root.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                JsonValueKind.Null => null,
                _ => value.GetRawText(),
            }
            : null;
    }

    public override void Write(Utf8JsonWriter writer, ModelPrice value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("model", value.Model.Pattern);
        writer.WriteString("effective_from", value.EffectiveFrom.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        Price("input_per_million", value.InputNanoPerMillion);
        Price("cached_input_per_million", value.CachedInputNanoPerMillion);
        Price("output_per_million", value.OutputNanoPerMillion);
        Price("reasoning_per_million", value.ReasoningNanoPerMillion);
        writer.WriteEndObject();

        void Price(string name, long? nano)
        {
            if (nano is { } n)
            {
                writer.WriteNumber(name, decimal.Parse(Money.FormatAmount(n), CultureInfo.InvariantCulture));
            }
            else
            {
                writer.WriteNull(name);
            }
        }
    }
}
