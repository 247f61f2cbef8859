using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.VisualBasic.FileIO;

namespace TokenQuota.AspNetCore.Tests;

/// <summary>
/// <c>/admin/usage/models</c> and <c>/admin/usage/models.csv</c>: a month's usage by user and model with its cost, as
/// JSON and as CSV, on a real SQLite file with real prices.
/// </summary>
public sealed class ModelUsageEndpointTests
{
    private const string Models = "/api/v1/auth/admin/usage/models";
    private const string Csv = "/api/v1/auth/admin/usage/models.csv";

    // A user id a CSV must quote: a comma, a quote and an apostrophe.
    private const string Bob = "o'brien, \"bob\"";

    private static readonly string Period = QuotaPeriod.Current(TimeProvider.System).Key;

    private ApiTestHost host = null!;

    [SetUp]
    public async Task Start()
    {
        host = await ApiTestHost.StartAsync();
        await RecordAsync(host);
    }

    [TearDown]
    public async Task Stop() => await host.DisposeAsync();

    /// <summary>
    /// alice on gpt-4o: 800,000 × 2.50 + 200,000 × 1.25 + 100,000 × 10 per million = $3.25; bob on o3: 500,000 × 2 +
    /// 50,000 × 8 + 50,000 × 16 (reasoning) = $2.20; bob on gpt-4o: 1,000 × 2.50 = $0.0025. A call without a model is not
    /// in the usage by model.
    /// </summary>
    private static async Task RecordAsync(ApiTestHost on)
    {
        await on.Profiles.SetModelPriceAsync(new ModelPrice(new ModelFilter("gpt-4o"), ModelPrice.Always, 2.50m, 10m, cachedInputPerMillion: 1.25m));
        await on.Profiles.SetModelPriceAsync(new ModelPrice(new ModelFilter("o3"), ModelPrice.Always, 2m, 8m, reasoningPerMillion: 16m));
        await on.Checker.RecordCallAsync("alice", new CallUsage { ModelId = "gpt-4o", InputTokens = 1_000_000, CachedInputTokens = 200_000, OutputTokens = 100_000 });
        await on.Checker.RecordCallAsync(Bob, new CallUsage { ModelId = "o3", InputTokens = 500_000, OutputTokens = 100_000, ReasoningTokens = 50_000 });
        await on.Checker.RecordCallAsync(Bob, new CallUsage { ModelId = "gpt-4o", InputTokens = 1_000, OutputTokens = 0 });
        await on.Checker.RecordAsync("alice", 5, 5);
    }

    [Test]
    public async Task RowsPerUserAndModelCarryTheExactCostAndItsDisplayCostliestFirst()
    {
        using var response = await host.AsAdmin(HttpMethod.Get, $"{Models}?period={Period}");
        var json = await ApiTestHost.Json(response);
        var usage = json.GetProperty("usage");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToString());
            Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("success"));
            Assert.That(json.GetProperty("period").GetString(), Is.EqualTo(Period));
            Assert.That(json.GetProperty("currency").GetString(), Is.EqualTo("USD"));
            Assert.That(usage[0].ToString(), Is.EqualTo(
                $$"""{"user_id":"alice","period":"{{Period}}","model":"gpt-4o","calls":1,"input_tokens":1000000,"cached_input_tokens":200000,"output_tokens":100000,"reasoning_tokens":0,"cost_nano":3250000000,"cost":"3.25","cost_display":"$3.25"}"""));
            Assert.That(usage.EnumerateArray().Select(r => (r.GetProperty("user_id").GetString(), r.GetProperty("model").GetString(), r.GetProperty("cost").GetString(), r.GetProperty("cost_display").GetString())), Is.EqualTo(new[]
            {
                ("alice", "gpt-4o", "3.25", "$3.25"),
                (Bob, "o3", "2.2", "$2.20"),
                (Bob, "gpt-4o", "0.0025", "$0.0025"),
            }));
        });
    }

    [Test]
    public async Task WithoutAPeriodTheCurrentMonthIsAnswered()
    {
        using var response = await host.AsAdmin(HttpMethod.Get, Models);
        var json = await ApiTestHost.Json(response);

        Assert.That(json.GetProperty("period").GetString(), Is.EqualTo(Period));
        Assert.That(json.GetProperty("usage").GetArrayLength(), Is.EqualTo(3));
    }

    [Test]
    public async Task GroupModelAddsUpEveryUserPerModel()
    {
        using var response = await host.AsAdmin(HttpMethod.Get, $"{Models}?period={Period}&group=model");
        var usage = (await ApiTestHost.Json(response)).GetProperty("usage");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(usage.EnumerateArray().Select(r => (r.GetProperty("user_id").ValueKind, r.GetProperty("model").GetString(), r.GetProperty("calls").GetInt64(), r.GetProperty("cost").GetString())), Is.EqualTo(new[]
            {
                (System.Text.Json.JsonValueKind.Null, "gpt-4o", 2L, "3.2525"),
                (System.Text.Json.JsonValueKind.Null, "o3", 1L, "2.2"),
            }));
            Assert.That(usage[0].GetProperty("input_tokens").GetInt64(), Is.EqualTo(1_001_000));
        });
    }

    [Test]
    public async Task UserIdNarrowsTheRowsToThatUser()
    {
        using var response = await host.AsAdmin(HttpMethod.Get, $"{Models}?period={Period}&user_id={Uri.EscapeDataString(Bob)}");
        var usage = (await ApiTestHost.Json(response)).GetProperty("usage");

        Assert.That(usage.EnumerateArray().Select(r => (r.GetProperty("user_id").GetString(), r.GetProperty("model").GetString())), Is.EqualTo(new[] { (Bob, "o3"), (Bob, "gpt-4o") }));
    }

    [Test]
    public async Task AMonthWithoutUsageAnswersNoRows()
    {
        using var response = await host.AsAdmin(HttpMethod.Get, $"{Models}?period=2001-01");
        var json = await ApiTestHost.Json(response);

        Assert.That(json.ToString(), Is.EqualTo("""{"status":"success","period":"2001-01","currency":"USD","usage":[]}"""));
    }

    [Test]
    public async Task TheConfiguredCurrencyIsAnsweredAndDisplayed()
    {
        await using var euro = await ApiTestHost.StartAsync(quotas: q => q.Services.Configure<TokenQuotaOptions>(o => o.Currency = "EUR"));
        await RecordAsync(euro);

        using var response = await euro.AsAdmin(HttpMethod.Get, $"{Models}?group=model");
        var json = await ApiTestHost.Json(response);

        Assert.That(json.GetProperty("currency").GetString(), Is.EqualTo("EUR"));
        Assert.That(json.GetProperty("usage")[0].GetProperty("cost_display").GetString(), Is.EqualTo("€3.2525"));
    }

    [Test]
    public async Task TheCsvExportIsADownloadOfTheSameRowsWithTheCostAsAPlainDecimal()
    {
        using var response = await host.AsAdmin(HttpMethod.Get, $"{Csv}?period={Period}");
        var text = await response.Content.ReadAsStringAsync();
        var records = ParseCsv(text);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
            Assert.That(response.Content.Headers.ContentDisposition?.DispositionType, Is.EqualTo("attachment"));
            Assert.That(response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName, Is.EqualTo($"model-usage-{Period}.csv"));
            Assert.That(text, Does.StartWith("user_id,period,model,calls,input_tokens,cached_input_tokens,output_tokens,reasoning_tokens,cost\r\n"));
            Assert.That(text, Does.Contain($"\"o'brien, \"\"bob\"\"\",{Period},o3,1,500000,0,100000,50000,2.2\r\n"), "RFC 4180 quoting");
            Assert.That(records.Skip(1), Is.EqualTo(new[]
            {
                new[] { "alice", Period, "gpt-4o", "1", "1000000", "200000", "100000", "0", "3.25" },
                new[] { Bob, Period, "o3", "1", "500000", "0", "100000", "50000", "2.2" },
                new[] { Bob, Period, "gpt-4o", "1", "1000", "0", "0", "0", "0.0025" },
            }));
        });
    }

    [Test]
    public async Task TheCsvExportOfTotalsPerModelHasNoUserAndOneOfAUserOnlyItsRows()
    {
        using var totals = await host.AsAdmin(HttpMethod.Get, $"{Csv}?period={Period}&group=model");
        using var bob = await host.AsAdmin(HttpMethod.Get, $"{Csv}?period={Period}&user_id={Uri.EscapeDataString(Bob)}");
        var totalRecords = ParseCsv(await totals.Content.ReadAsStringAsync());
        var bobRecords = ParseCsv(await bob.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(totalRecords.Skip(1).Select(r => (r[0], r[2], r[8])), Is.EqualTo(new[] { (string.Empty, "gpt-4o", "3.2525"), (string.Empty, "o3", "2.2") }));
            Assert.That(totals.Content.Headers.ContentDisposition?.FileNameStar ?? totals.Content.Headers.ContentDisposition?.FileName, Is.EqualTo($"model-usage-{Period}-totals.csv"));
            Assert.That(bobRecords.Skip(1).Select(r => (r[0], r[2])), Is.EqualTo(new[] { (Bob, "o3"), (Bob, "gpt-4o") }));
        });
    }

    [TestCase("period=2025-13", "period", "Invalid period format. Use YYYY-MM")]
    [TestCase("period=202512", "period", "Invalid period format. Use YYYY-MM")]
    [TestCase("user_id=%20%20", "user_id", "The user id is whitespace only; it must contain a visible character.")]
    [TestCase("user_id=a%01b", "user_id", "control character U+0001")]
    [TestCase("group=cost", "group", "group must be user or model.")]
    [TestCase("group=model&user_id=alice", "group", "leave out user_id")]
    public async Task ABadQueryIsA400NamingTheFieldOnBothRoutes(string query, string field, string message)
    {
        foreach (var route in new[] { Models, Csv })
        {
            using var response = await host.AsAdmin(HttpMethod.Get, $"{route}?{query}");
            var json = await ApiTestHost.Json(response);
            Assert.Multiple(() =>
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), $"{route}?{query}");
                Assert.That(json.GetProperty("errors").TryGetProperty(field, out _), Is.True, json.ToString());
                Assert.That(json.GetProperty("message").GetString(), Does.Contain(message));
            });
        }
    }

    [Test]
    public async Task AUserIdOverTheLongestIsA400()
    {
        using var response = await host.AsAdmin(HttpMethod.Get, $"{Models}?user_id={new string('u', UserIds.MaxLength + 1)}");
        var json = await ApiTestHost.Json(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(json.GetProperty("errors").GetProperty("user_id")[0].GetString(), Is.EqualTo("The user id is 129 characters long; at most 128 are allowed."));
    }

    /// <summary>Reads CSV with an independent RFC 4180 parser, quoted fields and line breaks in them included.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        using var parser = new TextFieldParser(new StringReader(text)) { HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = false };
        parser.SetDelimiters(",");
        var records = new List<string[]>();
        while (!parser.EndOfData)
        {
            records.Add(parser.ReadFields()!);
        }

        return records;
    }
}
