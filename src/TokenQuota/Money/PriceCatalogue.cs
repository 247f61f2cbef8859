namespace TokenQuota;

/// <summary>
/// The prices of one configuration version, with the installation's currency and its rule for unpriced models: which
/// price applies to a usage, and what the usage costs.
/// </summary>
internal sealed class PriceCatalogue
{
    private readonly ModelPrice[] prices;
    private readonly ModelPrice? fallback;

    public PriceCatalogue(IReadOnlyList<ModelPrice> prices, string currency, UnpricedModelPolicy unpriced, ModelPrice? fallback)
    {
        ArgumentNullException.ThrowIfNull(prices);
        // Most specific filter first (exact ids, then longer prefixes), then the latest price of each.
        this.prices = [.. prices.OrderBy(p => p.Model.IsPrefix).ThenByDescending(p => p.Model.Pattern.Length).ThenByDescending(p => p.EffectiveFrom)];
        Currency = currency;
        Unpriced = unpriced;
        this.fallback = fallback;
    }

    /// <summary>Gets a catalogue without prices, in US dollars, refusing unpriced models.</summary>
    public static PriceCatalogue Empty { get; } = new([], "USD", UnpricedModelPolicy.Refuse, null);

    /// <summary>Gets the ISO 4217 code of the installation's currency.</summary>
    public string Currency { get; }

    /// <summary>Gets the rule for a model without a price.</summary>
    public UnpricedModelPolicy Unpriced { get; }

    /// <summary>Gets the prices, most specific first.</summary>
    public IReadOnlyList<ModelPrice> Prices => prices;

    /// <summary>The price in force for <paramref name="modelId"/> at <paramref name="at"/>: the most specific filter that matches and has a price by then.</summary>
    public ModelPrice? Find(string? modelId, DateTimeOffset at)
    {
        foreach (var price in prices)
        {
            if (price.EffectiveFrom <= at && price.Model.Matches(modelId))
            {
                return price;
            }
        }

        return null;
    }

    /// <summary>
    /// The cost of a call in nano-units at <paramref name="at"/>, or <see langword="null"/> when its model has no price
    /// and the rule is <see cref="UnpricedModelPolicy.Refuse"/> (0 under <see cref="UnpricedModelPolicy.Free"/>).
    /// </summary>
    public long? CostOf(string? modelId, long inputTokens, long outputTokens, DateTimeOffset at)
    {
        if ((Find(modelId, at) ?? (Unpriced == UnpricedModelPolicy.FallbackPrice ? fallback : null)) is { } price)
        {
            return price.CostOf(inputTokens, outputTokens);
        }

        return Unpriced == UnpricedModelPolicy.Free ? 0 : null;
    }
}
