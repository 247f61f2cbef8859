using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TokenQuota.AspNetCore;

/// <summary><c>GET /admin/audit-log</c>: one page of audit entries, newest first.</summary>
internal sealed record AuditLogResponse(
    [property: JsonPropertyName("total_count")] long TotalCount,
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("entries")] IReadOnlyList<AuditEntryItem> Entries)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}

/// <summary>One entry of <see cref="AuditLogResponse"/>; <c>before</c> and <c>after</c> are the stored JSON, inline.</summary>
internal sealed record AuditEntryItem(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("occurred_at")] DateTimeOffset OccurredAt,
    [property: JsonPropertyName("actor")] string? Actor,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("before")] JsonNode? Before,
    [property: JsonPropertyName("after")] JsonNode? After)
{
    public static AuditEntryItem From(QuotaAuditEntry entry) =>
        new(entry.Id, entry.OccurredAt, entry.Actor, entry.Action, entry.Target, ParseJson(entry.Before), ParseJson(entry.After));

    /// <summary>The stored snapshot as JSON; one that does not parse (written by hand, say) is kept as a string.</summary>
    private static JsonNode? ParseJson(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return JsonValue.Create(json);
        }
    }
}
