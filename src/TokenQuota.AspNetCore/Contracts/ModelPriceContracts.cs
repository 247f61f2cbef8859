using System.Text.Json.Serialization;

namespace TokenQuota.AspNetCore;

/// <summary><c>GET /admin/model-prices</c>: the price catalogue and the currency its prices are in.</summary>
internal sealed record ModelPriceListResponse(
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("prices")] IReadOnlyList<ModelPrice> Prices)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}

/// <summary><c>POST /admin/model-prices</c>: the message and the price stored.</summary>
internal sealed record ModelPriceChangedResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("price")] ModelPrice Price)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}

/// <summary><c>POST /admin/model-prices/import</c>: how many prices were given and how many of them were new or changed.</summary>
internal sealed record ModelPricesImportedResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("imported")] int Imported,
    [property: JsonPropertyName("changed")] int Changed)
{
    [JsonPropertyName("status"), JsonPropertyOrder(-1)]
    public string Status => ApiStatus.Success;
}
