using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Serialization;

namespace TokenQuota;

/// <summary>
/// The price of a model (an exact id or a prefix ending in <c>*</c>) from an instant on: what a million input,
/// cached-input, output and reasoning tokens cost in the installation's currency, each kept in nano-units.
/// The catalogue applies, for a usage, the most specific model filter and, of its prices, the latest in force at the
/// time of the usage.
/// </summary>
[JsonConverter(typeof(ModelPriceJsonConverter))]
public sealed record ModelPrice
{
    /// <summary>The instant of a price given without one: in force from the start of time until a later price of its model.</summary>
    public static readonly DateTimeOffset Always = DateTimeOffset.UnixEpoch;

    /// <summary>Creates a price.</summary>
    /// <param name="model">The model id or prefix it prices.</param>
    /// <param name="effectiveFrom">The instant it takes effect.</param>
    /// <param name="inputPerMillion">The price of a million input tokens, at least 0 with at most six decimals.</param>
    /// <param name="outputPerMillion">The price of a million output tokens.</param>
    /// <param name="cachedInputPerMillion">The price of a million cached input tokens; <see langword="null"/>: as input.</param>
    /// <param name="reasoningPerMillion">The price of a million reasoning tokens where a provider bills them apart; <see langword="null"/>: as output.</param>
    /// <exception cref="ArgumentException">A price is negative, has more than six decimals or is too large; the message names it.</exception>
    public ModelPrice(ModelFilter model, DateTimeOffset effectiveFrom, decimal inputPerMillion, decimal outputPerMillion, decimal? cachedInputPerMillion = null, decimal? reasoningPerMillion = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        EffectiveFrom = effectiveFrom;
        InputNanoPerMillion = Nano(inputPerMillion, "input_per_million");
        OutputNanoPerMillion = Nano(outputPerMillion, "output_per_million");
        CachedInputNanoPerMillion = cachedInputPerMillion is { } cached ? Nano(cached, "cached_input_per_million") : null;
        ReasoningNanoPerMillion = reasoningPerMillion is { } reasoning ? Nano(reasoning, "reasoning_per_million") : null;
    }

    /// <summary>Gets the model id or prefix it prices.</summary>
    public ModelFilter Model { get; }

    /// <summary>Gets the instant it takes effect.</summary>
    public DateTimeOffset EffectiveFrom { get; }

    /// <summary>Gets the price of a million input tokens, in nano-units.</summary>
    public long InputNanoPerMillion { get; }

    /// <summary>Gets the price of a million output tokens, in nano-units.</summary>
    public long OutputNanoPerMillion { get; }

    /// <summary>Gets the price of a million cached input tokens in nano-units, or <see langword="null"/> when they cost as input.</summary>
    public long? CachedInputNanoPerMillion { get; }

    /// <summary>Gets the price of a million reasoning tokens in nano-units, or <see langword="null"/> when they cost as output.</summary>
    public long? ReasoningNanoPerMillion { get; }

    /// <summary>Gets the price of a million input tokens in the currency.</summary>
    public decimal InputPerMillion => Money.FromNanoUnits(InputNanoPerMillion);

    /// <summary>Gets the price of a million output tokens in the currency.</summary>
    public decimal OutputPerMillion => Money.FromNanoUnits(OutputNanoPerMillion);

    /// <summary>Gets the price of a million cached input tokens in the currency, or <see langword="null"/> when they cost as input.</summary>
    public decimal? CachedInputPerMillion => CachedInputNanoPerMillion is { } n ? Money.FromNanoUnits(n) : null;

    /// <summary>Gets the price of a million reasoning tokens in the currency, or <see langword="null"/> when they cost as output.</summary>
    public decimal? ReasoningPerMillion => ReasoningNanoPerMillion is { } n ? Money.FromNanoUnits(n) : null;

    /// <summary>
    /// The cost of one call in nano-units, rounded up once (so a call is never charged less than it cost, and at most one
    /// nano-unit more). Cached input tokens are part of <paramref name="inputTokens"/> and reasoning tokens part of
    /// <paramref name="outputTokens"/>, as providers report them.
    /// </summary>
    /// <param name="inputTokens">The input tokens, cached ones included.</param>
    /// <param name="outputTokens">The output tokens, reasoning ones included.</param>
    /// <param name="cachedInputTokens">The input tokens served from the provider's cache.</param>
    /// <param name="reasoningTokens">The output tokens spent reasoning.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, a part exceeds its whole, or the cost does not fit 64 bits.</exception>
    public long CostOf(long inputTokens, long outputTokens, long cachedInputTokens = 0, long reasoningTokens = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(outputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(cachedInputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(reasoningTokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cachedInputTokens, inputTokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reasoningTokens, outputTokens);
        var perMillion = ((Int128)(inputTokens - cachedInputTokens) * InputNanoPerMillion)
            + ((Int128)cachedInputTokens * (CachedInputNanoPerMillion ?? InputNanoPerMillion))
            + ((Int128)(outputTokens - reasoningTokens) * OutputNanoPerMillion)
            + ((Int128)reasoningTokens * (ReasoningNanoPerMillion ?? OutputNanoPerMillion));
        var cost = (perMillion + 999_999) / 1_000_000;
        return cost <= long.MaxValue
            ? (long)cost
            : throw new ArgumentOutOfRangeException(nameof(inputTokens), $"The cost of {inputTokens:N0} input and {outputTokens:N0} output tokens at {Model} does not fit a 64-bit total of nano-units.");
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Model} from {EffectiveFrom:O}: input {Money.FormatAmount(InputNanoPerMillion)}, output {Money.FormatAmount(OutputNanoPerMillion)} per million");

    /// <summary>
    /// Makes a price from its fields as text (the JSON fields <c>model</c>, <c>effective_from</c>,
    /// <c>input_per_million</c>, <c>cached_input_per_million</c>, <c>output_per_million</c>,
    /// <c>reasoning_per_million</c>), reporting every problem with the field it concerns.
    /// </summary>
    /// <param name="model">An exact model id or a prefix ending in <c>*</c>.</param>
    /// <param name="effectiveFrom">An ISO 8601 instant (UTC when it carries no offset), or <see langword="null"/> for <see cref="Always"/>.</param>
    /// <param name="inputPerMillion">The input price per million tokens, a decimal with at most six decimals.</param>
    /// <param name="outputPerMillion">The output price per million tokens.</param>
    /// <param name="cachedInputPerMillion">The cached-input price, or <see langword="null"/> for the input price.</param>
    /// <param name="reasoningPerMillion">The reasoning price, or <see langword="null"/> for the output price.</param>
    /// <param name="price">The price made, or <see langword="null"/>.</param>
    /// <param name="problems">Each problem as (field, message); empty when the price was made.</param>
    /// <returns>Whether the fields make a price.</returns>
    public static bool TryCreate(
        string? model,
        string? effectiveFrom,
        string? inputPerMillion,
        string? outputPerMillion,
        string? cachedInputPerMillion,
        string? reasoningPerMillion,
        [NotNullWhen(true)] out ModelPrice? price,
        out IReadOnlyList<KeyValuePair<string, string>> problems)
    {
        var found = new List<KeyValuePair<string, string>>();
        price = null;
        if (model is null)
        {
            found.Add(new("model", "model is required: a model id or a prefix ending in '*'."));
        }
        else if (ModelFilter.Problem(model) is { } modelProblem)
        {
            found.Add(new("model", modelProblem));
        }

        var from = Always;
        if (effectiveFrom is not null
            && !DateTimeOffset.TryParse(effectiveFrom, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out from))
        {
            found.Add(new("effective_from", $"'{effectiveFrom}' is not an instant; write ISO 8601, for example 2026-01-01T00:00:00Z."));
        }

        var input = Read(inputPerMillion, "input_per_million", required: true, found);
        var output = Read(outputPerMillion, "output_per_million", required: true, found);
        var cached = Read(cachedInputPerMillion, "cached_input_per_million", required: false, found);
        var reasoning = Read(reasoningPerMillion, "reasoning_per_million", required: false, found);
        problems = found;
        if (found.Count > 0)
        {
            return false;
        }

        price = new ModelPrice(new ModelFilter(model!), from, input!.Value, output!.Value, cached, reasoning);
        return true;
    }

    private static decimal? Read(string? text, string field, bool required, List<KeyValuePair<string, string>> found)
    {
        if (text is null)
        {
            if (required)
            {
                found.Add(new(field, $"{field} is required: a price per million tokens such as 0.15."));
            }

            return null;
        }

        if (!decimal.TryParse(text.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value))
        {
            found.Add(new(field, $"{field} '{text}' is not a number; write a price per million tokens such as 0.15."));
            return null;
        }

        if (value < 0)
        {
            found.Add(new(field, $"{field} must not be negative; got {text}."));
            return null;
        }

        if (!Money.TryToNanoUnits(value, Money.MaxPriceDecimals, out _, out var error))
        {
            found.Add(new(field, $"{field}: {error}"));
            return null;
        }

        return value;
    }

    private static long Nano(decimal price, string field)
    {
        if (price < 0)
        {
            throw new ArgumentException($"{field} must not be negative; got {price.ToString(CultureInfo.InvariantCulture)}.", field);
        }

        return Money.TryToNanoUnits(price, Money.MaxPriceDecimals, out var nano, out var error)
            ? nano
            : throw new ArgumentException($"{field}: {error}", field);
    }
}
