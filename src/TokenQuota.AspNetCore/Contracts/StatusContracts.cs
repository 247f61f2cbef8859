using System.Text.Json.Serialization;

namespace TokenQuota.AspNetCore;

/// <summary><c>GET /user/quota-status</c>: the caller's own quota.</summary>
internal sealed record QuotaStatusResponse([property: JsonPropertyName("quota")] QuotaStatus Quota)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}
