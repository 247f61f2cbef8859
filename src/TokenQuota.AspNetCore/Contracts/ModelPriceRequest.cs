using System.Text.Json;

namespace TokenQuota.AspNetCore;

/// <summary>
/// Reads the JSON of a <see cref="ModelPrice"/> (prices as numbers or strings) into a price, collecting an error per
/// field: the JSON kinds are judged here, the values by <see cref="ModelPrice.TryCreate"/>. Unknown fields are refused,
/// so a misspelt <c>cached_input_per_million</c> never silently prices cached tokens as input.
/// </summary>
internal static class ModelPriceRequest
{
    private const string Shape =
        "A model price must be an object with model, input_per_million, output_per_million and optionally effective_from, cached_input_per_million and reasoning_per_million.";

    private static readonly string[] Fields =
        ["model", "effective_from", "input_per_million", "cached_input_per_million", "output_per_million", "reasoning_per_million"];

    /// <summary>Reads one price; <paramref name="prefix"/> (<c>prices[2]</c>, or empty for a body) is put before each field's key.</summary>
    /// <returns>The price, or <see langword="null"/> when <paramref name="errors"/> gained an entry.</returns>
    public static ModelPrice? Read(JsonElement item, string prefix, Dictionary<string, string[]> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors[prefix.Length == 0 ? "body" : prefix] = [Shape];
            return null;
        }

        var before = errors.Count;
        foreach (var property in item.EnumerateObject())
        {
            if (!Fields.Contains(property.Name, StringComparer.Ordinal))
            {
                errors[Key(prefix, property.Name)] = [$"Unknown field '{property.Name}'. Accepted: {string.Join(", ", Fields)}."];
            }
        }

        var model = Text(item, "model", number: false, prefix, errors);
        var from = Text(item, "effective_from", number: false, prefix, errors);
        var input = Text(item, "input_per_million", number: true, prefix, errors);
        var output = Text(item, "output_per_million", number: true, prefix, errors);
        var cached = Text(item, "cached_input_per_million", number: true, prefix, errors);
        var reasoning = Text(item, "reasoning_per_million", number: true, prefix, errors);
        if (!ModelPrice.TryCreate(model, from, input, output, cached, reasoning, out var price, out var problems))
        {
            foreach (var (field, message) in problems)
            {
                // A field already refused for its JSON kind keeps that error rather than a second "is required".
                errors.TryAdd(Key(prefix, field), [message]);
            }
        }

        return errors.Count == before ? price : null;
    }

    /// <summary>Reads a JSON array of prices, errors keyed <c>prices[i].field</c>; two prices of one model and instant are refused.</summary>
    /// <returns>The prices, or <see langword="null"/> when <paramref name="errors"/> is not empty.</returns>
    public static IReadOnlyList<ModelPrice>? ReadAll(JsonElement array, Dictionary<string, string[]> errors)
    {
        var prices = new List<ModelPrice?>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var field = $"prices[{index++}]";
            var price = Read(item, field, errors);
            var twin = price is null ? -1 : prices.FindIndex(p => p is not null && p.Model.Equals(price.Model) && p.EffectiveFrom == price.EffectiveFrom);
            if (twin >= 0)
            {
                errors[field] = [$"{field} prices '{price!.Model}' from the same effective_from as prices[{twin}]; keep one."];
            }

            prices.Add(price);
        }

        return errors.Count == 0 ? [.. prices.OfType<ModelPrice>()] : null;
    }

    private static string Key(string prefix, string field) => prefix.Length == 0 ? field : $"{prefix}.{field}";

    private static string? Text(JsonElement item, string name, bool number, string prefix, Dictionary<string, string[]> errors)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        if (number && value.ValueKind == JsonValueKind.Number)
        {
            return value.GetRawText();
        }

        errors[Key(prefix, name)] = [number
            ? $"{name} must be a price per million tokens such as 2.5 (a number or a string)."
            : $"{name} must be a string."];
        return null;
    }
}
