namespace TokenQuota.Relational;

/// <summary>A row of <c>tokenquota_model_prices</c>: a model price in nano-units per million tokens, its instant in Unix milliseconds.</summary>
internal sealed class ModelPriceRow
{
    public string Model { get; set; } = string.Empty;

    public long EffectiveFrom { get; set; }

    public long InputNano { get; set; }

    public long? CachedInputNano { get; set; }

    public long OutputNano { get; set; }

    public long? ReasoningNano { get; set; }

    public ModelPrice ToPrice() => new(
        new ModelFilter(Model),
        DateTimeOffset.FromUnixTimeMilliseconds(EffectiveFrom),
        Money.FromNanoUnits(InputNano),
        Money.FromNanoUnits(OutputNano),
        CachedInputNano is { } cached ? Money.FromNanoUnits(cached) : null,
        ReasoningNano is { } reasoning ? Money.FromNanoUnits(reasoning) : null);

    /// <summary>The parameters of the upsert: <c>@model, @effectiveFrom, @inputNano, @cachedInputNano, @outputNano, @reasoningNano</c>.</summary>
    public static object Parameters(ModelPrice price)
    {
        ArgumentNullException.ThrowIfNull(price);
        return new
        {
            model = price.Model.Pattern,
            effectiveFrom = price.EffectiveFrom.ToUnixTimeMilliseconds(),
            inputNano = price.InputNanoPerMillion,
            cachedInputNano = price.CachedInputNanoPerMillion,
            outputNano = price.OutputNanoPerMillion,
            reasoningNano = price.ReasoningNanoPerMillion,
        };
    }
}
