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
