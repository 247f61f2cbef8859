using System.Text.Json;

namespace TokenQuota.AspNetCore;

/// <summary>Typed reads of JSON fields that collect an error per field instead of throwing.</summary>
internal sealed class JsonFields(JsonElement root)
{
    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public bool Has(string name) => root.TryGetProperty(name, out _);

    public bool IsNull(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Null;

    public string? String(string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Errors[name] = [$"{name} must be a string."];
            return null;
        }

        return value.GetString();
    }

    /// <summary>Reads a day of the week written by its name (<c>"monday"</c> … <c>"sunday"</c>, any case); a number is not a day.</summary>
    public DayOfWeek? WeekDay(string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && WeekStartJsonConverter.TryParse(value.GetString(), out var day))
        {
            return day;
        }

        var got = value.ValueKind switch
        {
            JsonValueKind.String => $"'{value.GetString()}'",
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            var kind => "an " + kind.ToString().ToLowerInvariant(),
        };
        Errors[name] = [$"{name} must be a day of the week, monday to sunday; got {got}."];
        return null;
    }

    public int? Int32(string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            Errors[name] = [$"{name} must be an integer from 0 to {int.MaxValue}."];
            return null;
        }

        return number;
    }

    public long? Int64(string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            Errors[name] = [$"{name} must be null (unlimited) or an integer from 0 to {long.MaxValue}."];
            return null;
        }

        return number;
    }

    /// <summary>Reads an array of limits, each <c>{"meter", "window", "algorithm", "amount", "model"}</c>; errors keyed <c>name[i].field</c>.</summary>
    public IReadOnlyList<QuotaLimit>? Limits(string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Errors[name] = [$"{name} must be an array of limits such as {{\"meter\": \"total_tokens\", \"window\": \"minute\", \"amount\": 20000}}."];
            return null;
        }

        var limits = new List<QuotaLimit>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var field = $"{name}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                Errors[field] = ["A limit must be an object with meter, window, amount and optionally model and algorithm."];
                continue;
            }

            var parts = new JsonFields(item);
            var amount = parts.Int64("amount");
            var limit = (QuotaLimit?)null;
            if (parts.Errors.Count == 0 &&
                !QuotaLimit.TryCreate(parts.String("meter"), parts.String("window"), parts.String("algorithm"), amount, parts.String("model"), out limit, out var problems))
            {
                foreach (var (part, message) in problems)
                {
                    Errors[$"{field}.{part}"] = [message];
                }
            }

            foreach (var (part, messages) in parts.Errors)
            {
                Errors[$"{field}.{part}"] = messages;
            }

            if (limit is not null)
            {
                limits.Add(limit);
            }
        }

        return limits;
    }

    public bool? Boolean(string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Errors[name] = [$"{name} must be true or false."];
            return null;
        }

        return value.GetBoolean();
    }

    public void RequireNotNull(string name, string error)
    {
        if (IsNull(name))
        {
            Errors[name] = [error];
        }
    }
}
