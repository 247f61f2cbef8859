using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.AspNetCore.Tests;

/// <summary><c>/admin/model-prices</c>: the price catalogue over HTTP, audited, with a 400 per bad field, on a real SQLite file.</summary>
public sealed class ModelPriceEndpointTests
{
    private const string Prices = "/api/v1/auth/admin/model-prices";
    private ApiTestHost host = null!;

    [SetUp]
    public async Task Start() => host = await ApiTestHost.StartAsync();

    [TearDown]
    public async Task Stop() => await host.DisposeAsync();

    [Test]
    public async Task AnEmptyCatalogueListsNoPricesAndSaysTheCurrency()
    {
        using var response = await host.AsAdmin(HttpMethod.Get, Prices);
        var json = await ApiTestHost.Json(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(json.ToString(), Is.EqualTo("""{"status":"success","currency":"USD","prices":[]}"""));
    }

    [Test]
    public async Task TheListSaysTheConfiguredCurrency()
    {
        await using var euro = await ApiTestHost.StartAsync(quotas: q => q.Services.Configure<TokenQuotaOptions>(o => o.Currency = "EUR"));
        using var response = await euro.AsAdmin(HttpMethod.Get, Prices);
        Assert.That((await ApiTestHost.Json(response)).GetProperty("currency").GetString(), Is.EqualTo("EUR"));
    }

    [Test]
    public async Task APostedPriceIsStoredAuditedWithTheCallerAndListed()
    {
        const string body = """
            {"model": "gpt-4o*", "effective_from": "2026-01-01T00:00:00Z", "input_per_million": 2.5,
             "cached_input_per_million": "1.25", "output_per_million": 10}
            """;
        using var set = await host.AsAdmin(HttpMethod.Post, Prices, raw: body);
        var setJson = await ApiTestHost.Json(set);
        using var list = await host.AsAdmin(HttpMethod.Get, Prices);
        var listJson = await ApiTestHost.Json(list);
        var stored = (await host.Profiles.ListModelPricesAsync()).Single();
        var audit = (await host.Profiles.QueryAuditLogAsync(new QuotaAuditQuery { Action = QuotaAuditActions.ModelPriceSet })).Items.Single();

        Assert.Multiple(() =>
        {
            Assert.That(set.StatusCode, Is.EqualTo(HttpStatusCode.OK), setJson.ToString());
            Assert.That(setJson.GetProperty("message").GetString(), Is.EqualTo("Model price set successfully"));
            Assert.That(setJson.GetProperty("price").ToString(), Is.EqualTo(
                """{"model":"gpt-4o*","effective_from":"2026-01-01T00:00:00.000Z","input_per_million":2.5,"cached_input_per_million":1.25,"output_per_million":10,"reasoning_per_million":null}"""));
            Assert.That(listJson.GetProperty("prices").GetArrayLength(), Is.EqualTo(1));
            Assert.That(listJson.GetProperty("prices")[0].ToString(), Is.EqualTo(setJson.GetProperty("price").ToString()));
            Assert.That(stored, Is.EqualTo(new ModelPrice(new ModelFilter("gpt-4o*"), new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), 2.5m, 10m, 1.25m)));
            Assert.That(audit.Actor, Is.EqualTo("root"));
        });
    }

    [Test]
    public async Task APostForTheSameModelAndInstantReplacesThePriceAndOneWithoutAnInstantIsInForceAlways()
    {
        using var first = await host.AsAdmin(HttpMethod.Post, Prices, raw: """{"model": "gpt-4o-mini", "input_per_million": 0.15, "output_per_million": 0.6}""");
        using var second = await host.AsAdmin(HttpMethod.Post, Prices, raw: """{"model": "GPT-4o-mini", "input_per_million": 0.2, "output_per_million": 0.8}""");
        var stored = (await host.Profiles.ListModelPricesAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(stored.EffectiveFrom, Is.EqualTo(ModelPrice.Always));
            Assert.That(stored.InputPerMillion, Is.EqualTo(0.2m));
            Assert.That(stored.OutputPerMillion, Is.EqualTo(0.8m));
        });
    }

    [TestCase("""{"input_per_million": 1, "output_per_million": 2}""", "model", "model is required")]
    [TestCase("""{"model": 4, "input_per_million": 1, "output_per_million": 2}""", "model", "model must be a string.")]
    [TestCase("""{"model": "", "input_per_million": 1, "output_per_million": 2}""", "model", "empty")]
    [TestCase("""{"model": "gpt-4o", "output_per_million": 2}""", "input_per_million", "input_per_million is required")]
    [TestCase("""{"model": "gpt-4o", "input_per_million": -1, "output_per_million": 2}""", "input_per_million", "must not be negative")]
    [TestCase("""{"model": "gpt-4o", "input_per_million": "cheap", "output_per_million": 2}""", "input_per_million", "is not a number")]
    [TestCase("""{"model": "gpt-4o", "input_per_million": true, "output_per_million": 2}""", "input_per_million", "a number or a string")]
    [TestCase("""{"model": "gpt-4o", "input_per_million": 1, "output_per_million": 0.0000001}""", "output_per_million", "more than 6 decimals")]
    [TestCase("""{"model": "gpt-4o", "input_per_million": 1, "output_per_million": 2, "cached_input_per_million": -0.5}""", "cached_input_per_million", "must not be negative")]
    [TestCase("""{"model": "gpt-4o", "input_per_million": 1, "output_per_million": 2, "reasoning_per_million": "x"}""", "reasoning_per_million", "is not a number")]
    [TestCase("""{"model": "gpt-4o", "input_per_million": 1, "output_per_million": 2, "effective_from": "2026-02-30"}""", "effective_from", "is not an instant")]
    [TestCase("""{"model": "gpt-4o", "input_per_million": 1, "output_per_million": 2, "cached_input_per_milion": 1}""", "cached_input_per_milion", "Unknown field")]
    [TestCase("""[{"model": "gpt-4o"}]""", "body", "must be a JSON object")]
    [TestCase("""{}""", "body", "No data provided")]
    public async Task ABadPriceAnswers400NamingTheFieldAndWritesNothing(string body, string field, string says)
    {
        using var response = await host.AsAdmin(HttpMethod.Post, Prices, raw: body);
        var json = await ApiTestHost.Json(response);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToString());
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(json.GetProperty("errors").TryGetProperty(field, out var messages), Is.True, json.ToString());
            Assert.That(messages.ValueKind == JsonValueKind.Array ? messages[0].GetString() : null, Does.Contain(says), json.ToString());
            Assert.That(await host.Profiles.ListModelPricesAsync(), Is.Empty);
            Assert.That((await host.Profiles.QueryAuditLogAsync()).TotalCount, Is.Zero);
        });
    }

    [Test]
    public async Task EveryBadFieldOfOnePriceIsNamedAtOnce()
    {
        using var response = await host.AsAdmin(HttpMethod.Post, Prices, raw: """{"model": "gpt-4o", "input_per_million": -1, "output_per_million": "ten"}""");
        var errors = (await ApiTestHost.Json(response)).GetProperty("errors");

        Assert.That(errors.EnumerateObject().Select(e => e.Name), Is.EquivalentTo(new[] { "input_per_million", "output_per_million" }));
    }

    [Test]
    public async Task AnImportStoresEveryPriceInOneAuditedChangeAndCountsOnlyTheChangedOnes()
    {
        await host.Profiles.SetModelPriceAsync(new ModelPrice(new ModelFilter("gpt-4o"), ModelPrice.Always, 2.5m, 10m));
        const string body = """
            [{"model": "gpt-4o", "input_per_million": 2.5, "output_per_million": 10},
             {"model": "gpt-4o-mini", "input_per_million": "0.15", "output_per_million": "0.60"},
             {"model": "claude-sonnet-4*", "effective_from": "2026-01-01T00:00:00Z", "input_per_million": 3, "output_per_million": 15}]
            """;
        using var response = await host.AsAdmin(HttpMethod.Post, $"{Prices}/import", raw: body);
        var json = await ApiTestHost.Json(response);
        var stored = await host.Profiles.ListModelPricesAsync();
        var audit = (await host.Profiles.QueryAuditLogAsync(new QuotaAuditQuery { Action = QuotaAuditActions.ModelPricesImported })).Items.Single();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToString());
            Assert.That(json.GetProperty("message").GetString(), Is.EqualTo("Model prices imported successfully"));
            Assert.That(json.GetProperty("imported").GetInt32(), Is.EqualTo(3));
            Assert.That(json.GetProperty("changed").GetInt32(), Is.EqualTo(2), "gpt-4o was already at that price");
            Assert.That(stored.Select(p => p.Model.Pattern), Is.EquivalentTo(new[] { "gpt-4o", "gpt-4o-mini", "claude-sonnet-4*" }));
            Assert.That(audit.Actor, Is.EqualTo("root"));
        });
    }

    [TestCase("""[{"model": "a", "input_per_million": 1, "output_per_million": 1}, {"model": "b", "input_per_million": 1, "output_per_million": 1}, {"model": "c", "input_per_million": -2, "output_per_million": 1}]""", "prices[2].input_per_million", "must not be negative")]
    [TestCase("""[{"model": "a", "input_per_million": 1, "output_per_million": 1}, {"model": "b", "input_per_million": 1}]""", "prices[1].output_per_million", "is required")]
    [TestCase("""[{"model": "a", "input_per_million": 1, "output_per_million": 1}, 7]""", "prices[1]", "must be an object")]
    [TestCase("""[{"model": "a", "input_per_million": 1, "output_per_million": 1}, {"model": "A", "input_per_million": 2, "output_per_million": 2}]""", "prices[1]", "same effective_from as prices[0]")]
    [TestCase("""{"model": "a", "input_per_million": 1, "output_per_million": 1}""", "body", "JSON array")]
    [TestCase("""[]""", "body", "No data provided")]
    [TestCase("", "body", "No data provided")]
    public async Task ABadImportAnswers400NamingTheIndexAndFieldAndWritesNothing(string body, string field, string says)
    {
        using var response = await host.AsAdmin(HttpMethod.Post, $"{Prices}/import", raw: body);
        var json = await ApiTestHost.Json(response);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToString());
            Assert.That(json.GetProperty("errors").TryGetProperty(field, out var messages), Is.True, json.ToString());
            Assert.That(messages.ValueKind == JsonValueKind.Array ? messages[0].GetString() : null, Does.Contain(says), json.ToString());
            Assert.That(await host.Profiles.ListModelPricesAsync(), Is.Empty, "all or none");
            Assert.That((await host.Profiles.QueryAuditLogAsync()).TotalCount, Is.Zero);
        });
    }

    [Test]
    public async Task ADeleteRemovesThePriceOfThatModelAndInstantAuditedAndASecondAnswers404()
    {
        var from = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await host.Profiles.ImportModelPricesAsync(
        [
            new ModelPrice(new ModelFilter("gpt-4o"), ModelPrice.Always, 5m, 15m),
            new ModelPrice(new ModelFilter("gpt-4o"), from, 2.5m, 10m),
        ]);

        using var removed = await host.AsAdmin(HttpMethod.Delete, $"{Prices}?model=GPT-4o&effective_from=2026-01-01T00:00:00Z");
        var left = await host.Profiles.ListModelPricesAsync();
        using var again = await host.AsAdmin(HttpMethod.Delete, $"{Prices}?model=gpt-4o&effective_from=2026-01-01T00:00:00Z");
        var audit = (await host.Profiles.QueryAuditLogAsync(new QuotaAuditQuery { Action = QuotaAuditActions.ModelPriceRemoved })).Items.Single();

        Assert.Multiple(async () =>
        {
            Assert.That(removed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await ApiTestHost.Json(removed)).GetProperty("message").GetString(), Is.EqualTo("Model price removed successfully"));
            Assert.That(left.Single().EffectiveFrom, Is.EqualTo(ModelPrice.Always), "the price from the start of time is kept");
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That((await ApiTestHost.Json(again)).ToString(), Is.EqualTo("""{"status":"error","message":"Model price not found"}"""));
            Assert.That(audit.Actor, Is.EqualTo("root"));
        });
    }

    [Test]
    public async Task ADeleteWithoutAnInstantRemovesThePriceInForceAlways()
    {
        await host.Profiles.SetModelPriceAsync(new ModelPrice(new ModelFilter("gpt-4o"), ModelPrice.Always, 5m, 15m));
        using var removed = await host.AsAdmin(HttpMethod.Delete, $"{Prices}?model=gpt-4o");

        Assert.That(removed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await host.Profiles.ListModelPricesAsync(), Is.Empty);
    }

    [TestCase("", "model", "model is required")]
    [TestCase("?model=gpt-4o&effective_from=yesterday", "effective_from", "is not an instant")]
    public async Task ADeleteWithABadQueryAnswers400NamingTheParameter(string query, string field, string says)
    {
        await host.Profiles.SetModelPriceAsync(new ModelPrice(new ModelFilter("gpt-4o"), ModelPrice.Always, 5m, 15m));
        using var response = await host.AsAdmin(HttpMethod.Delete, Prices + query);
        var json = await ApiTestHost.Json(response);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToString());
            Assert.That(json.GetProperty("errors").GetProperty(field)[0].GetString(), Does.Contain(says));
            Assert.That(await host.Profiles.ListModelPricesAsync(), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task APriceSetOverHttpChargesTheNextCostLimitedCall()
    {
        var profile = await host.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Budget", Limits = [QuotaLimit.Parse("cost/month=1")] });
        await host.Profiles.AssignAsync("alice", profile.Id);
        using var set = await host.AsAdmin(HttpMethod.Post, Prices, raw: """{"model": "gpt-4o", "input_per_million": 2.5, "output_per_million": 10}""");

        await host.Checker.RecordForModelAsync("alice", 100_000, 10_000, "gpt-4o");
        var cost = (await host.Checker.GetStatusAsync("alice")).Limits.Single();

        Assert.Multiple(() =>
        {
            Assert.That(set.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(cost.Used, Is.EqualTo(350_000_000), "$0.25 + $0.10");
            Assert.That(cost.Currency, Is.EqualTo("USD"));
        });
    }
}
