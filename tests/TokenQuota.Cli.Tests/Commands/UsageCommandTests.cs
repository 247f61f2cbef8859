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
}
