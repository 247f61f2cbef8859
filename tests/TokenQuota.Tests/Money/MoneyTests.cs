namespace TokenQuota.Tests.Money;

/// <summary>Money in integer nano-units: parsing, formatting and the cost of a call, never through floating point.</summary>
public class MoneyTests
{
    private static ModelPrice Price(decimal input, decimal output, decimal? cached = null, decimal? reasoning = null) =>
        new(new ModelFilter("m"), ModelPrice.Always, input, output, cached, reasoning);

    [Test]
    public void AMillionCallsOfOneTokenAtFifteenCentsPerMillionCostExactlyFifteenCents()
    {
        var price = Price(0.15m, 0m);
        long total = 0;
        for (var i = 0; i < 1_000_000; i++)
        {
            total += price.CostOf(1, 0);
        }

        Assert.Multiple(() =>
        {
            Assert.That(price.CostOf(1, 0), Is.EqualTo(150));
            Assert.That(total, Is.EqualTo(150_000_000));
            Assert.That(TokenQuota.Money.Format(total, "USD"), Is.EqualTo("$0.15"));
        });
    }

    [Test]
    public void APriceWithSixDecimalsIsChargedWithinOneNanoUnitACall()
    {
        // 0.000123 per million: 123 nano-units per million tokens, 0.000123 nano-units a token.
        var price = Price(1.234567m, 0.000123m);
        var random = new Random(15);
        for (var i = 0; i < 10_000; i++)
        {
            var input = random.NextInt64(0, 5_000_000);
            var output = random.NextInt64(0, 5_000_000);
            var exact = ((input * 1.234567m) + (output * 0.000123m)) * 1_000m; // nano-units: price per million × tokens × 10⁹ / 10⁶
            var charged = price.CostOf(input, output);
            Assert.That(charged - exact, Is.GreaterThanOrEqualTo(0m).And.LessThan(1m), $"{input} in, {output} out");
        }
    }

    [Test]
    public void CachedInputAndReasoningTokensArePricedApartWithinTheirWholes()
    {
        var price = Price(2.50m, 10.00m, cached: 1.25m, reasoning: 20m);

        Assert.Multiple(() =>
        {
            // 1,000 in of which 400 cached: 600 × 2.5 + 400 × 1.25 = 2,000 per million → 2,000,000 nano; 100 out of which 50 reasoning.
            Assert.That(price.CostOf(1_000, 100, cachedInputTokens: 400, reasoningTokens: 50), Is.EqualTo(2_000_000 + 500_000 + 1_000_000));
            Assert.That(Price(2.50m, 10m).CostOf(1_000, 0, cachedInputTokens: 400), Is.EqualTo(2_500_000), "no cached price: cached tokens cost as input");
            Assert.Throws<ArgumentOutOfRangeException>(() => price.CostOf(10, 10, cachedInputTokens: 11));
        });
    }

    [Test]
    public void ACostThatDoesNotFit64BitsIsRefused() =>
        Assert.That(() => Price(999_999m, 0m).CostOf(long.MaxValue / 2, 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("64-bit"));

    [TestCase("0.15", 150_000_000)]
    [TestCase("25", 25_000_000_000)]
    [TestCase("0.000000001", 1)]
    [TestCase("9223372036.854775807", long.MaxValue)]
    public void AmountsParseToNanoUnitsAndWriteBack(string text, long nano)
    {
        Assert.Multiple(() =>
        {
            Assert.That(TokenQuota.Money.TryParse(text, 9, out var parsed, out var error), Is.True, error);
            Assert.That(parsed, Is.EqualTo(nano));
            Assert.That(TokenQuota.Money.FormatAmount(nano), Is.EqualTo(text));
        });
    }

    [TestCase("abc", "not an amount")]
    [TestCase("0.0000000001", "more than 9 decimals")]
    [TestCase("9223372037", "too large")]
    [TestCase("1e3", "not an amount")]
    public void BadAmountsAreRefusedWithTheReason(string text, string reason)
    {
        Assert.Multiple(() =>
        {
            Assert.That(TokenQuota.Money.TryParse(text, 9, out _, out var error), Is.False);
            Assert.That(error, Does.Contain(reason));
        });
    }

    [TestCase(4_250_000_000, "USD", "$4.25")]
    [TestCase(150_000, "EUR", "\u20AC0.00015")]
    [TestCase(12_000_000_000, "CHF", "CHF 12.00")]
    [TestCase(-1_500_000_000_000, "GBP", "-\u00A31,500.00")]
    public void AmountsForPeopleCarryTheCurrency(long nano, string currency, string shown) =>
        Assert.That(TokenQuota.Money.Format(nano, currency), Is.EqualTo(shown));

    [Test]
    public void ACostLimitIsWrittenInTheCurrencyAndKeptInNanoUnits()
    {
        var limit = QuotaLimit.Parse("cost/month=25.50@gpt-4o*");

        Assert.Multiple(() =>
        {
            Assert.That(limit.Meter, Is.EqualTo(QuotaMeter.Cost));
            Assert.That(limit.Amount, Is.EqualTo(25_500_000_000));
            Assert.That(limit.ToString(), Is.EqualTo("cost/month=25.5@gpt-4o*"));
            Assert.That(limit.Name, Is.EqualTo("cost/month@gpt-4o*"));
            Assert.That(QuotaLimit.TryParse("cost/month=2.5000000001", out _, out var error), Is.False);
            Assert.That(error, Does.Contain("more than 9 decimals"));
        });
    }

    [TestCase(null, "1", "2", "model", "model is required")]
    [TestCase("gpt-4o", "-1", "2", "input_per_million", "must not be negative")]
    [TestCase("gpt-4o", "abc", "2", "input_per_million", "is not a number")]
    [TestCase("gpt-4o", "1", "0.0000001", "output_per_million", "more than 6 decimals")]
    [TestCase("gpt-4o", "1", null, "output_per_million", "is required")]
    [TestCase("gpt 4o", "1", "2", "model", "whitespace")]
    public void BadPricesNameTheirField(string? model, string? input, string? output, string field, string message)
    {
        Assert.Multiple(() =>
        {
            Assert.That(ModelPrice.TryCreate(model, null, input, output, null, null, out _, out var problems), Is.False);
            Assert.That(problems.Select(p => p.Key), Does.Contain(field));
            Assert.That(problems.Single(p => p.Key == field).Value, Does.Contain(message));
        });
    }

    [Test]
    public void AnImpossibleInstantIsRefused()
    {
        Assert.That(ModelPrice.TryCreate("gpt-4o", "2026-02-30T00:00:00Z", "1", "2", null, null, out _, out var problems), Is.False);
        Assert.That(problems.Single().Key, Is.EqualTo("effective_from"));
    }

    [Test]
    public void APriceRoundTripsThroughJsonExactly()
    {
        var price = new ModelPrice(new ModelFilter("gpt-4o*"), new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), 2.5m, 10m, cachedInputPerMillion: 1.25m);
        var json = System.Text.Json.JsonSerializer.Serialize(price);

        Assert.Multiple(() =>
        {
            Assert.That(json, Is.EqualTo("""{"model":"gpt-4o*","effective_from":"2026-01-01T00:00:00.000Z","input_per_million":2.5,"cached_input_per_million":1.25,"output_per_million":10,"reasoning_per_million":null}"""));
            Assert.That(System.Text.Json.JsonSerializer.Deserialize<ModelPrice>(json), Is.EqualTo(price));
            Assert.That(System.Text.Json.JsonSerializer.Deserialize<ModelPrice>("""{"model":"x","input_per_million":"0.000001","output_per_million":0}""")!.InputNanoPerMillion, Is.EqualTo(1_000));
        });
    }

    [Test]
    public void TheCatalogueAppliesTheMostSpecificFilterAndThePriceInForceAtTheTime()
    {
        var jan = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var catalogue = new PriceCatalogue(
        [
            new ModelPrice(new ModelFilter("gpt-4o*"), ModelPrice.Always, 1m, 1m),
            new ModelPrice(new ModelFilter("gpt-4o-mini"), ModelPrice.Always, 2m, 2m),
            new ModelPrice(new ModelFilter("gpt-4o-mini"), jan, 3m, 3m),
            new ModelPrice(new ModelFilter("gpt*"), ModelPrice.Always, 4m, 4m),
        ], "USD", UnpricedModelPolicy.Refuse, null);

        Assert.Multiple(() =>
        {
            Assert.That(catalogue.Find("gpt-4o-mini", jan.AddTicks(-1))!.InputPerMillion, Is.EqualTo(2m));
            Assert.That(catalogue.Find("GPT-4O-MINI", jan)!.InputPerMillion, Is.EqualTo(3m), "ids compare ignoring case");
            Assert.That(catalogue.Find("gpt-4o", jan)!.InputPerMillion, Is.EqualTo(1m), "the longer prefix wins");
            Assert.That(catalogue.Find("gpt-3.5", jan)!.InputPerMillion, Is.EqualTo(4m));
            Assert.That(catalogue.Find("claude", jan), Is.Null);
            Assert.That(catalogue.CostOf("claude", 1, 1, jan), Is.Null, "refused");
            Assert.That(new PriceCatalogue([], "USD", UnpricedModelPolicy.Free, null).CostOf("claude", 1, 1, jan), Is.Zero);
        });
    }
}
