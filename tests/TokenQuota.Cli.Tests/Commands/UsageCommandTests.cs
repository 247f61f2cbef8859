using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Cli.Tests;

public class UsageCommandTests : CliTestBase
{
    private static readonly DateTimeOffset December = new(2025, 12, 10, 12, 0, 0, TimeSpan.Zero);

    [SetUp]
    public async Task Migrate()
    {
        await MigrateAsync();
        await RecordAsync("carol", 100, 900, December);
        await RecordAsync("alice", 500, 100, December);
        await RecordAsync("bob", 300, 50, December);
        await RecordAsync("alice", 7, 3, December.AddMonths(-1));
    }

    [Test]
    public async Task UsageJsonListsThePeriodSortedByTotal()
    {
        var json = (await RunOkAsync("usage", "--period", "2025-12", "--json")).Json();

        var items = json.GetProperty("items");
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("period").GetString(), Is.EqualTo("2025-12"));
            Assert.That(json.GetProperty("total_count").GetInt64(), Is.EqualTo(3));
            Assert.That(items.EnumerateArray().Select(i => i.GetProperty("user_id").GetString()), Is.EqualTo(new[] { "carol", "alice", "bob" }));
            Assert.That(items[0].GetProperty("total_tokens_used").GetInt64(), Is.EqualTo(1000));
            Assert.That(items[1].GetProperty("input_tokens_used").GetInt64(), Is.EqualTo(500));
            Assert.That(json.GetProperty("totals").GetProperty("total_tokens_used").GetInt64(), Is.EqualTo(1950));
        });
    }

    [TestCase("input", new[] { "alice", "bob", "carol" })]
    [TestCase("output", new[] { "carol", "alice", "bob" })]
    [TestCase("user", new[] { "alice", "bob", "carol" })]
    public async Task UsageSortsAsAsked(string sort, string[] expected)
    {
        var json = (await RunOkAsync("usage", "--period", "2025-12", "--sort", sort, "--json")).Json();

        Assert.That(json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("user_id").GetString()), Is.EqualTo(expected));
    }

    [Test]
    public async Task UsagePagesWithOffsetAndLimit()
    {
        var json = (await RunOkAsync("usage", "--period", "2025-12", "--sort", "user", "--offset", "1", "--limit", "1", "--json")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("user_id").GetString()), Is.EqualTo(new[] { "bob" }));
            Assert.That(json.GetProperty("total_count").GetInt64(), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task UsageTextIsATable()
    {
        var text = (await RunOkAsync("usage", "--period", "2025-11")).Out;

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.StartWith("USER"));
            Assert.That(text, Does.Contain("alice").And.Contain("Rows 1-1 of 1, 2025-11, sorted by total"));
            Assert.That(text, Does.Not.Contain("carol"));
        });
    }

    [Test]
    public async Task UsageDefaultsToTheCurrentUtcMonth()
    {
        await RecordAsync("dave", 1, 2);

        var json = (await RunOkAsync("usage", "--json")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("period").GetString(), Is.EqualTo(CurrentPeriod));
            Assert.That(json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("user_id").GetString()), Is.EqualTo(new[] { "dave" }));
        });
    }

    [TestCase("2025-13")]
    [TestCase("25-12")]
    [TestCase("abc")]
    [TestCase("2025-00")]
    public async Task MalformedPeriodIsAUsageErrorNamingTheValue(string period)
    {
        await AssertRefusedUnchangedAsync(1, $"Invalid period '{period}'", "usage", "--period", period);
    }

    [Test]
    public async Task UnknownSortOrBadLimitIsAUsageError()
    {
        await AssertRefusedUnchangedAsync(1, "'sideways'", "usage", "--sort", "sideways");
        await AssertRefusedUnchangedAsync(1, "--limit must be 1 to 1000, not 5000", "usage", "--limit", "5000");
        await AssertRefusedUnchangedAsync(1, "--offset must be 0 or more, not -1", "usage", "--offset", "-1");
    }

    // A user id the CSV must quote: a comma, a quote and an apostrophe.
    private const string Bob = "o'brien, \"bob\"";

    /// <summary>
    /// Prices gpt-4o and o3 through the CLI and records December calls that name them: alice on gpt-4o 800,000 × 2.50 +
    /// 200,000 × 1.25 (cached) + 100,000 × 10 per million = $3.25; bob on o3 500,000 × 2 + 50,000 × 8 + 50,000 × 16
    /// (reasoning) = $2.20; bob on gpt-4o 1,000 × 2.50 = $0.0025. The set-up's calls name no model, so they are not here.
    /// </summary>
    private async Task RecordModelsAsync()
    {
        await RunOkAsync("prices", "set", "gpt-4o", "--input", "2.50", "--output", "10", "--cached-input", "1.25");
        await RunOkAsync("prices", "set", "o3", "--input", "2", "--output", "8", "--reasoning", "16");
        await using var provider = Library(December);
        var checker = provider.GetRequiredService<ITokenQuotaChecker>();
        await checker.RecordCallAsync("alice", new CallUsage { ModelId = "gpt-4o", InputTokens = 1_000_000, CachedInputTokens = 200_000, OutputTokens = 100_000 });
        await checker.RecordCallAsync(Bob, new CallUsage { ModelId = "o3", InputTokens = 500_000, OutputTokens = 100_000, ReasoningTokens = 50_000 });
        await checker.RecordCallAsync(Bob, new CallUsage { ModelId = "gpt-4o", InputTokens = 1_000, OutputTokens = 0 });
    }

    [Test]
    public async Task UsageByModelJsonListsEachUsersModelsCostliestFirstAndTheTotalsPerModel()
    {
        await RecordModelsAsync();

        var json = (await RunOkAsync("usage", "--by", "model", "--period", "2025-12", "--json")).Json();

        var items = json.GetProperty("items");
        var totals = json.GetProperty("totals");
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("period").GetString(), Is.EqualTo("2025-12"));
            Assert.That(json.GetProperty("currency").GetString(), Is.EqualTo("USD"));
            Assert.That(json.GetProperty("user_id").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(items.EnumerateArray().Select(i => (i.GetProperty("user_id").GetString(), i.GetProperty("model").GetString(), i.GetProperty("cost_nano").GetInt64())), Is.EqualTo(new[]
            {
                ("alice", "gpt-4o", 3_250_000_000L),
                (Bob, "o3", 2_200_000_000L),
                (Bob, "gpt-4o", 2_500_000L),
            }));
            Assert.That(items[0].GetProperty("cached_input_tokens").GetInt64(), Is.EqualTo(200_000));
            Assert.That(items[1].GetProperty("reasoning_tokens").GetInt64(), Is.EqualTo(50_000));
            Assert.That(totals.EnumerateArray().Select(t => (t.GetProperty("model").GetString(), t.GetProperty("calls").GetInt64(), t.GetProperty("cost_nano").GetInt64())), Is.EqualTo(new[]
            {
                ("gpt-4o", 2L, 3_252_500_000L),
                ("o3", 1L, 2_200_000_000L),
            }));
        });
    }

    [Test]
    public async Task UsageByModelTextShowsTokensAndCostInTheCurrencyAndTheTotalsPerModel()
    {
        await RecordModelsAsync();

        var text = (await RunOkAsync("usage", "--by", "model", "--period", "2025-12")).Out;
        var lines = text.Split(Environment.NewLine);

        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Does.Match("^USER +MODEL +CALLS +INPUT +CACHED INPUT +OUTPUT +REASONING +COST$"));
            Assert.That(lines[2], Does.Match(@"^alice +gpt-4o +1 +1,000,000 +200,000 +100,000 +0 +\$3\.25$"));
            Assert.That(lines[3], Does.Match(@"^o'brien, ""bob"" +o3 +1 +500,000 +0 +100,000 +50,000 +\$2\.20$"));
            Assert.That(text, Does.Contain("Usage by user and model, 2025-12, the costliest first; costs in USD."));
            Assert.That(text, Does.Contain("Totals per model, 2025-12:"));
            Assert.That(lines.Where(l => l.StartsWith("gpt-4o", StringComparison.Ordinal)), Has.One.Match(@"^gpt-4o +2 +1,001,000 +200,000 +100,000 +0 +\$3\.2525$"));
            Assert.That(text, Does.Contain("Month total: 3 calls costing $5.4525."));
        });
    }

    [Test]
    public async Task UsageByModelForOneUserListsOnlyItsRowsWithoutTotals()
    {
        await RecordModelsAsync();

        var json = (await RunOkAsync("usage", "--by", "model", "--period", "2025-12", "--user", Bob, "--json")).Json();
        var text = (await RunOkAsync("usage", "--by", "model", "--period", "2025-12", "--user", "alice")).Out;

        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("user_id").GetString(), Is.EqualTo(Bob));
            Assert.That(json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("model").GetString()), Is.EqualTo(new[] { "o3", "gpt-4o" }));
            Assert.That(json.GetProperty("totals").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(text, Does.Contain("alice").And.Contain("$3.25").And.Not.Contain("o3").And.Not.Contain("Totals per model"));
        });
    }

    [Test]
    public async Task UsageByModelCsvIsTheCsvOfTheHttpExport()
    {
        await RecordModelsAsync();

        var all = (await RunOkAsync("usage", "--by", "model", "--period", "2025-12", "--csv")).Out;
        var alice = (await RunOkAsync("usage", "--by", "model", "--period", "2025-12", "--user", "alice", "--csv")).Out;

        Assert.Multiple(() =>
        {
            Assert.That(all, Is.EqualTo(
                "user_id,period,model,calls,input_tokens,cached_input_tokens,output_tokens,reasoning_tokens,cost\r\n" +
                "alice,2025-12,gpt-4o,1,1000000,200000,100000,0,3.25\r\n" +
                "\"o'brien, \"\"bob\"\"\",2025-12,o3,1,500000,0,100000,50000,2.2\r\n" +
                "\"o'brien, \"\"bob\"\"\",2025-12,gpt-4o,1,1000,0,0,0,0.0025\r\n"));
            Assert.That(alice.Split("\r\n"), Has.Length.EqualTo(3), "the header, alice's one row and the empty end");
        });
    }

    [Test]
    public async Task UsageByModelInAMonthWithoutModelsSaysSo()
    {
        var text = (await RunOkAsync("usage", "--by", "model", "--period", "2025-12")).Out;
        var bob = (await RunOkAsync("usage", "--by", "model", "--period", "2025-12", "--user", "bob")).Out;

        Assert.That(text, Is.EqualTo("No usage by model recorded in 2025-12." + Environment.NewLine), "calls that name no model are not in the usage by model");
        Assert.That(bob, Is.EqualTo("No usage by model recorded for 'bob' in 2025-12." + Environment.NewLine));
    }

    [Test]
    public async Task UsageByModelRefusesBadOrMismatchedOptionsAsUsageErrors()
    {
        await AssertRefusedUnchangedAsync(1, "'cost'", "usage", "--by", "cost");
        await AssertRefusedUnchangedAsync(1, "--user needs --by model.", "usage", "--user", "alice");
        await AssertRefusedUnchangedAsync(1, "--csv needs --by model.", "usage", "--csv");
        await AssertRefusedUnchangedAsync(1, "--sort applies to the usage by user", "usage", "--by", "model", "--sort", "input");
        await AssertRefusedUnchangedAsync(1, "--limit applies to the usage by user", "usage", "--by", "model", "--limit", "5");
        await AssertRefusedUnchangedAsync(1, "--csv and --json are two output formats; give one.", "usage", "--by", "model", "--csv", "--json");
        await AssertRefusedUnchangedAsync(1, "Invalid user id '   '", "usage", "--by", "model", "--user", "   ");
        await AssertRefusedUnchangedAsync(1, "Invalid period '2025-13'", "usage", "--by", "model", "--period", "2025-13");
    }
}
