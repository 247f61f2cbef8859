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

    /// <summary>The price that applies to <paramref name="modelId"/> at <paramref name="at"/>: its own, else the fallback price when that is the rule.</summary>
    public ModelPrice? PriceFor(string? modelId, DateTimeOffset at) =>
        Find(modelId, at) ?? (Unpriced == UnpricedModelPolicy.FallbackPrice ? fallback : null);

    /// <summary>
    /// The cost of a call in nano-units at <paramref name="at"/>, or <see langword="null"/> when its model has no price
    /// and the rule is <see cref="UnpricedModelPolicy.Refuse"/> (0 under <see cref="UnpricedModelPolicy.Free"/>).
    /// </summary>
    public long? CostOf(string? modelId, long inputTokens, long outputTokens, DateTimeOffset at) =>
        CostOf(new CallUsage { ModelId = modelId, InputTokens = inputTokens, OutputTokens = outputTokens }, at);

    /// <summary>The cost of <paramref name="usage"/> in nano-units at <paramref name="at"/>, as the other overload says.</summary>
    public long? CostOf(CallUsage usage, DateTimeOffset at)
    {
        if (PriceFor(usage.ModelId, at) is { } price)
        {
            return price.CostOf(usage.InputTokens, usage.OutputTokens, usage.CachedInputTokens, usage.ReasoningTokens);
        }

        return Unpriced == UnpricedModelPolicy.Free ? 0 : null;
    }

    /// <summary>
    /// The row a call adds to its user's usage by model (its cost 0 when unpriced), or <see langword="null"/> when it
    /// names no model or used nothing.
    /// </summary>
    public Storage.ModelUsageCharge? UsageOf(CallUsage usage, QuotaPeriod period, DateTimeOffset at) =>
        usage.ModelId is not { } model || (usage.InputTokens == 0 && usage.OutputTokens == 0)
            ? null
            : new(period.Key, model.ToLowerInvariant(), usage.InputTokens, usage.CachedInputTokens, usage.OutputTokens, usage.ReasoningTokens, CostOf(usage, at) ?? 0);

    /// <summary>
    /// Whether some price's model filter can match a model that <paramref name="filter"/> matches (<see langword="null"/>:
    /// any price at all), whatever its instant: a cost limit whose filter matches no price meets only unpriced models.
    /// </summary>
    public bool Covers(ModelFilter? filter) => filter is null ? prices.Length > 0 : prices.Any(p => Overlap(p.Model, filter));

    private static bool Overlap(ModelFilter a, ModelFilter b) => (a.IsPrefix, b.IsPrefix) switch
    {
        (false, _) => b.Matches(a.Pattern),
        (true, false) => a.Matches(b.Pattern),
        _ => Stem(a).StartsWith(Stem(b), StringComparison.OrdinalIgnoreCase) || Stem(b).StartsWith(Stem(a), StringComparison.OrdinalIgnoreCase),
    };

    private static string Stem(ModelFilter prefix) => prefix.Pattern[..^1];
}
