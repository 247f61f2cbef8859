namespace TokenQuota.Cli.Tests;

public class StatusCommandTests : CliTestBase
{
    [SetUp]
    public Task Migrate() => MigrateAsync();

    [Test]
    public async Task StatusJsonIsTheSeedsQuotaJson()
    {
        await RecordAsync("alice", 25_000, 1_000);

        var json = (await RunOkAsync("status", "alice", "--json")).Json();

        var input = json.GetProperty("input_tokens");
        var output = json.GetProperty("output_tokens");
        var rates = json.GetProperty("rate_limits");
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("has_quota").GetBoolean(), Is.True);
            Assert.That(json.GetProperty("period").GetString(), Is.EqualTo(CurrentPeriod));
            Assert.That(json.GetProperty("profile_name").GetString(), Is.EqualTo("Free"));
            Assert.That(json.GetProperty("profile_id").GetInt64(), Is.EqualTo(ProfileId("Free")));
            Assert.That(input.GetProperty("limit").GetInt64(), Is.EqualTo(100_000));
            Assert.That(input.GetProperty("used").GetInt64(), Is.EqualTo(25_000));
            Assert.That(input.GetProperty("remaining").GetInt64(), Is.EqualTo(75_000));
            Assert.That(input.GetProperty("percentage_used").GetDouble(), Is.EqualTo(25.0));
            Assert.That(output.GetProperty("used").GetInt64(), Is.EqualTo(1_000));
            Assert.That(output.GetProperty("percentage_used").GetDouble(), Is.EqualTo(2.0));
            Assert.That(rates.GetProperty("prompts_per_hour").GetInt32(), Is.EqualTo(50));
            Assert.That(rates.GetProperty("prompts_per_day").GetInt32(), Is.EqualTo(500));
            Assert.That(rates.GetProperty("config_changes_per_hour").GetInt32(), Is.EqualTo(5));
        });
    }

    [Test]
    public async Task StatusTextShowsUsageAgainstLimits()
    {
        await RunOkAsync("assign", "bob", "Unlimited");
        await RecordAsync("bob", 1_234_567, 42);

        var text = (await RunOkAsync("status", "bob")).Out;

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("Profile:       Unlimited"));
            Assert.That(text, Does.Contain("Input tokens:  1,234,567 used, Unlimited"));
            Assert.That(text, Does.Contain("1,000 prompts/hour, 10,000 prompts/day, 100 config changes/hour"));
        });
    }

    [Test]
    public async Task StatusWithoutAnyProfileShowsSystemDefaults()
    {
        await RunOkAsync("profiles", "update", "Free", "--default", "false");

        var json = (await RunOkAsync("status", "carol", "--json")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("has_quota").GetBoolean(), Is.False);
            Assert.That(json.GetProperty("profile_name").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
            Assert.That(json.GetProperty("input_tokens").GetProperty("remaining").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
            Assert.That(json.GetProperty("rate_limits").GetProperty("prompts_per_hour").GetInt32(), Is.EqualTo(100));
        });
    }

    [Test]
    public async Task StatusOfAnInvalidUserIdIsAUsageError()
    {
        await AssertRefusedUnchangedAsync(1, "The user id is 129 characters long", "status", new string('z', 129));
    }
}
