using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Cli.Tests;

/// <summary><c>tokenquota prices …</c> and cost limits in <c>status</c>, on a real SQLite file.</summary>
public class PricesCommandTests : CliTestBase
{
    private static string SamplePath => Path.Combine(AppContext.BaseDirectory, "prices.sample.json");

    [SetUp]
    public Task Migrate() => MigrateAsync();

    [Test]
    public async Task ListOfAnEmptyCatalogueSaysHowToAddPrices()
    {
        var text = await RunOkAsync("prices", "list");
        var json = (await RunOkAsync("prices", "list", "--json")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(text.Out, Does.StartWith("No model prices. Set one with 'tokenquota prices set MODEL"));
            Assert.That(json.GetProperty("currency").GetString(), Is.EqualTo("USD"));
            Assert.That(json.GetProperty("prices").GetArrayLength(), Is.Zero);
        });
    }

    [Test]
    public async Task SetStoresThePriceAuditsItWithTheCliActorAndListShowsItInTheCurrency()
    {
        var set = await RunOkAsync("prices", "set", "gpt-4o", "--input", "2.50", "--output", "10", "--cached-input", "1.25", "--from", "2026-01-01T00:00:00Z");
        var list = await RunOkAsync("prices", "list");
        var json = (await RunOkAsync("prices", "list", "--json")).Json().GetProperty("prices")[0];
        var audit = (await RunOkAsync("audit", "--action", QuotaAuditActions.ModelPriceSet, "--json")).Json().GetProperty("items")[0];

        Assert.Multiple(() =>
        {
            Assert.That(set.Out, Does.StartWith("Set the price of 'gpt-4o' from 2026-01-01 00:00:00Z."));
            Assert.That(list.Out, Does.Contain("MODEL   EFFECTIVE FROM        INPUT/M  CACHED INPUT/M  OUTPUT/M  REASONING/M"));
            Assert.That(list.Out, Does.Contain("gpt-4o  2026-01-01 00:00:00Z    $2.50           $1.25    $10.00    as output"));
            Assert.That(System.Text.Json.JsonSerializer.Serialize(json), Is.EqualTo(
                """{"model":"gpt-4o","effective_from":"2026-01-01T00:00:00.000Z","input_per_million":2.5,"cached_input_per_million":1.25,"output_per_million":10,"reasoning_per_million":null}"""));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_model_prices;"), Is.EqualTo(1));
            Assert.That(audit.GetProperty("actor").GetString(), Is.EqualTo(Actor));
        });
    }

    [Test]
    public async Task SetWithoutFromPricesTheModelAlwaysAndASecondSetReplacesIt()
    {
        await RunOkAsync("prices", "set", "gpt-4o-mini", "--input", "0.15", "--output", "0.60");
        await RunOkAsync("prices", "set", "GPT-4o-mini", "--input", "0.20", "--output", "0.80", "--reasoning", "1");
        await using var library = Library();
        var price = (await library.GetRequiredService<IConsumptionProfileManager>().ListModelPricesAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That(price.EffectiveFrom, Is.EqualTo(ModelPrice.Always));
            Assert.That(price.InputPerMillion, Is.EqualTo(0.20m));
            Assert.That(price.ReasoningPerMillion, Is.EqualTo(1m));
        });
    }

    [TestCase("--input", "-1", "--input: input_per_million must not be negative")]
    [TestCase("--input", "cheap", "--input: input_per_million 'cheap' is not a number")]
    [TestCase("--input", "0.0000001", "--input: input_per_million: 0.0000001 has more than 6 decimals")]
    [TestCase("--cached-input", "-0.5", "--cached-input: cached_input_per_million must not be negative")]
    [TestCase("--from", "tomorrow", "--from: 'tomorrow' is not an instant")]
    public async Task ABadPriceIsAUsageErrorNamingTheOptionAndChangesNothing(string option, string value, string message)
    {
        string[] args = ["prices", "set", "gpt-4o", "--input", "1", "--output", "2"];
        var at = Array.IndexOf(args, option);
        args = at >= 0 ? [.. args[..(at + 1)], value, .. args[(at + 2)..]] : [.. args, option, value];
        var result = await AssertRefusedUnchangedAsync(ExitCodes.UsageError, message, args);
        Assert.That(result.Err, Does.StartWith("error: the price is invalid; nothing was changed."));
    }

    [Test]
    public async Task ABadModelIsAUsageErrorNamingTheArgument() =>
        await AssertRefusedUnchangedAsync(ExitCodes.UsageError, "<model>: ", "prices", "set", "", "--input", "1", "--output", "2");

    [Test]
    public async Task SetWithoutOutputIsAUsageError() =>
        await AssertRefusedUnchangedAsync(ExitCodes.UsageError, "--output", "prices", "set", "gpt-4o", "--input", "1");

    [Test]
    public async Task RemoveDeletesThePriceOfThatInstantOnlyAndAuditsIt()
    {
        await RunOkAsync("prices", "set", "gpt-4o", "--input", "5", "--output", "15");
        await RunOkAsync("prices", "set", "gpt-4o", "--input", "2.5", "--output", "10", "--from", "2026-01-01T00:00:00Z");

        var removed = await RunOkAsync("prices", "remove", "GPT-4O", "--from", "2026-01-01T00:00:00Z");
        var left = (await RunOkAsync("prices", "list", "--json")).Json().GetProperty("prices");
        var audit = (await RunOkAsync("audit", "--action", QuotaAuditActions.ModelPriceRemoved, "--json")).Json().GetProperty("items");

        Assert.Multiple(() =>
        {
            Assert.That(removed.Out, Is.EqualTo("Removed the price of 'GPT-4O' from 2026-01-01 00:00:00Z." + Environment.NewLine));
            Assert.That(left.GetArrayLength(), Is.EqualTo(1));
            Assert.That(left[0].GetProperty("effective_from").GetString(), Is.EqualTo("1970-01-01T00:00:00.000Z"));
            Assert.That(audit.GetArrayLength(), Is.EqualTo(1));
            Assert.That(audit[0].GetProperty("actor").GetString(), Is.EqualTo(Actor));
        });
    }

    [Test]
    public async Task RemovingAPriceThatDoesNotExistIsRefusedAndChangesNothing()
    {
        await RunOkAsync("prices", "set", "gpt-4o", "--input", "5", "--output", "15");
        await AssertRefusedUnchangedAsync(ExitCodes.Refused, "No price of 'gpt-4o' from 2026-01-01 00:00:00Z", "prices", "remove", "gpt-4o", "--from", "2026-01-01");
    }

    [Test]
    public async Task ImportOfTheSampleCatalogueStoresEveryPriceAndASecondImportChangesNothing()
    {
        var first = await RunOkAsync("prices", "import", "--file", SamplePath);
        var second = (await RunOkAsync("prices", "import", "--file", SamplePath, "--json")).Json();
        var list = await RunOkAsync("prices", "list");
        await using var library = Library();
        var prices = await library.GetRequiredService<IConsumptionProfileManager>().ListModelPricesAsync();

        Assert.Multiple(() =>
        {
            Assert.That(first.Out, Is.EqualTo($"Imported {prices.Count} prices from prices.sample.json: {prices.Count} new or changed." + Environment.NewLine));
            Assert.That(prices.Select(p => p.Model.Pattern), Is.SupersetOf(new[] { "gpt-4o*", "gpt-4o-mini*", "claude-sonnet-4*" }));
            Assert.That(prices.Single(p => p.Model.Pattern == "gpt-4o-mini*").InputPerMillion, Is.EqualTo(0.15m));
            Assert.That(second.GetProperty("imported").GetInt32(), Is.EqualTo(prices.Count));
            Assert.That(second.GetProperty("changed").GetInt32(), Is.Zero);
            Assert.That(list.Out, Does.Contain("claude-sonnet-4*"));
            Assert.That(Scalar<long>($"SELECT COUNT(*) FROM tokenquota_audit_log WHERE action = '{QuotaAuditActions.ModelPricesImported}';"), Is.EqualTo(1), "one audit entry per import that changed something");
        });
    }

    [Test]
    public async Task AnImportWithABadPriceNamesEachBadIndexAndWritesNone()
    {
        var file = WriteFile("prices.json", """
            [{"model": "a", "input_per_million": 1, "output_per_million": 1},
             {"model": "b", "input_per_million": -1, "output_per_million": 1},
             {"model": "c", "input_per_million": 1}]
            """);
        var result = await AssertRefusedUnchangedAsync(ExitCodes.UsageError, "prices[1]: input_per_million must not be negative", "prices", "import", "--file", file);
        Assert.That(result.Err, Does.Contain("prices[2]: output_per_million is required"));
    }

    [Test]
    public async Task AnImportWithTwoPricesOfOneModelAndInstantWritesNone()
    {
        var file = WriteFile("prices.json", """
            [{"model": "gpt-4o", "input_per_million": 1, "output_per_million": 1},
             {"model": "GPT-4o", "input_per_million": 2, "output_per_million": 2}]
            """);
        await AssertRefusedUnchangedAsync(ExitCodes.UsageError, "prices[1] and prices[0] both price", "prices", "import", "--file", file);
    }

    [TestCase("{\"model\": \"a\"}", "must hold a JSON array")]
    [TestCase("[]", "must hold a JSON array of one or more prices")]
    [TestCase("[{\"model\": ", "is not valid JSON")]
    public async Task AnImportOfAFileThatIsNotAnArrayOfPricesIsAUsageError(string content, string message) =>
        await AssertRefusedUnchangedAsync(ExitCodes.UsageError, message, "prices", "import", "--file", WriteFile("prices.json", content));

    [Test]
    public async Task AnImportOfAMissingFileIsAUsageError() =>
        await AssertRefusedUnchangedAsync(ExitCodes.UsageError, "does not exist", "prices", "import", "--file", Path.Combine(Folder, "none.json"));

    [Test]
    public async Task StatusShowsACostLimitInTheCurrency()
    {
        await RunOkAsync("prices", "set", "gpt-4o", "--input", "2.50", "--output", "10");
        await RunOkAsync("profiles", "create", "--name", "Budget", "--limit", "cost/month=25@gpt-4o*");
        await RunOkAsync("assign", "alice", "Budget");
        await using (var library = Library())
        {
            // 1,000,000 input and 175,000 output tokens: $2.50 + $1.75.
            await library.GetRequiredService<ITokenQuotaChecker>().RecordForModelAsync("alice", 1_000_000, 175_000, "gpt-4o");
        }

        var text = (await RunOkAsync("status", "alice")).Out;
        var json = (await RunOkAsync("status", "alice", "--json")).Json().GetProperty("limits")[0];

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("Extra limit:   cost/month@gpt-4o*: $4.25 of $25.00 used (17.0%), $20.75 remaining (resets "));
            Assert.That(json.GetProperty("currency").GetString(), Is.EqualTo("USD"));
            Assert.That(json.GetProperty("used").GetInt64(), Is.EqualTo(4_250_000_000), "JSON keeps the nano-units");
        });
    }
}
