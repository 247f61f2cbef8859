using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Cli.Tests;

public class ProfileLimitsCommandTests : CliTestBase
{
    [SetUp]
    public Task Migrate() => MigrateAsync();

    [Test]
    public async Task CreateWithLimitsAndACalendarStoresThemAndShowPrintsThem()
    {
        await RunOkAsync(
            "profiles", "create", "--name", "Metered", "--time-zone", "Asia/Kolkata", "--anchor-day", "15", "--week-start", "saturday",
            "--limit", "total_tokens/minute=20000@gpt-4o*", "--limit", "in_flight=4");

        var show = (await RunOkAsync("profiles", "show", "Metered")).Out;
        var json = (await RunOkAsync("profiles", "show", "Metered", "--json")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(show, Does.Contain("Calendar:                Asia/Kolkata, months from day 15, weeks from saturday"));
            Assert.That(json.GetProperty("week_start").GetString(), Is.EqualTo("saturday"));
            Assert.That(show, Does.Contain("Extra limits:            total_tokens/minute=20000@gpt-4o*, in_flight=4"));
            Assert.That(json.GetProperty("limits")[0].GetProperty("model").GetString(), Is.EqualTo("gpt-4o*"));
            Assert.That(json.GetProperty("time_zone").GetString(), Is.EqualTo("Asia/Kolkata"));
            Assert.That(StoredLimits(), Is.EqualTo("total_tokens/minute=20000@gpt-4o*\nin_flight=4"));
            Assert.That(Scalar<long>("SELECT anchor_day FROM tokenquota_profile_limits;"), Is.EqualTo(15L));
            Assert.That(Scalar<long>("SELECT week_start FROM tokenquota_profile_limits;"), Is.EqualTo((long)DayOfWeek.Saturday));
        });
    }

    [Test]
    public async Task WeeksStartOnMondayUnlessSetAndUpdateWeekStartChangesOnlyThat()
    {
        await RunOkAsync("profiles", "create", "--name", "Weekly", "--anchor-day", "15");
        var before = (await RunOkAsync("profiles", "show", "Weekly")).Out;

        await RunOkAsync("profiles", "update", "Weekly", "--week-start", "Sunday");
        var after = (await RunOkAsync("profiles", "show", "Weekly", "--json")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(before, Does.Contain("Calendar:                UTC, months from day 15, weeks from monday"));
            Assert.That(after.GetProperty("week_start").GetString(), Is.EqualTo("sunday"));
            Assert.That(after.GetProperty("anchor_day").GetInt32(), Is.EqualTo(15), "the rest of the calendar is kept");
        });
    }

    [TestCase("funday", "create")]
    [TestCase("9", "create")]
    [TestCase("funday", "update")]
    [TestCase("9", "update")]
    public async Task ABadWeekStartIsAUsageErrorNamingTheOptionAndTheFieldAndWritesNothing(string value, string command)
    {
        await RunOkAsync("profiles", "create", "--name", "Weekly");
        string[] args = command == "create"
            ? ["profiles", "create", "--name", "Metered", "--week-start", value]
            : ["profiles", "update", "Weekly", "--week-start", value];

        await AssertRefusedUnchangedAsync(1, $"error: --week-start: week_start must be a day of the week, monday to sunday; got '{value}'.", args);
    }

    [Test]
    public async Task ACostLimitThatMeetsNoPricedModelIsCreatedWithAWarning()
    {
        await RunOkAsync("prices", "set", "gpt-4o", "--input", "2.50", "--output", "10");

        var unpriced = (await RunOkAsync("profiles", "create", "--name", "Metered", "--limit", "cost/month=5@gpt-5*")).Out;
        var priced = (await RunOkAsync("profiles", "update", "Metered", "--limit", "cost/month=5@gpt-4o")).Out;

        Assert.Multiple(() =>
        {
            Assert.That(unpriced, Does.Contain("warning: The cost limit cost/month@gpt-5* matches no model of the price catalogue, so every call it applies to is refused"));
            Assert.That(StoredLimits(), Is.EqualTo("cost/month=5@gpt-4o"), "the warning refused nothing; the update replaced the limit");
            Assert.That(priced, Does.Not.Contain("warning:"));
        });
    }

    [Test]
    public async Task StatusPrintsEachExtraLimitWithItsUsageAndTheJsonCarriesTheLimitsArray()
    {
        await RunOkAsync("profiles", "create", "--name", "Metered", "--limit", "total_tokens/day=10000@gpt-4o*", "--limit", "in_flight=4");
        await RunOkAsync("assign", "alice", "Metered");
        await using (var provider = Library())
        {
            await provider.GetRequiredService<ITokenQuotaChecker>().RecordForModelAsync("alice", 1_500, 500, "gpt-4o");
        }

        var text = (await RunOkAsync("status", "alice")).Out;
        var json = (await RunOkAsync("status", "alice", "--json")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("Extra limit:   total_tokens/day@gpt-4o*: 2,000 of 10,000 used (20.0%), 8,000 remaining (resets "));
            Assert.That(text, Does.Contain("Extra limit:   in_flight: 0 of 4 used (0.0%), 4 remaining"));
            Assert.That(json.GetProperty("limits").GetArrayLength(), Is.EqualTo(2));
            Assert.That(json.GetProperty("limits")[0].GetProperty("used").GetInt64(), Is.EqualTo(2_000));
        });
    }

    [Test]
    public async Task UpdateReplacesTheLimitsAndNoLimitsRemovesThem()
    {
        await RunOkAsync("profiles", "create", "--name", "Metered", "--limit", "in_flight=4");

        await RunOkAsync("profiles", "update", "Metered", "--limit", "prompts/minute:token_bucket=10");
        var replaced = StoredLimits();
        await RunOkAsync("profiles", "update", "Metered", "--no-limits");

        Assert.Multiple(() =>
        {
            Assert.That(replaced, Is.EqualTo("prompts/minute:token_bucket=10"));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_profile_limits;"), Is.Zero, "a profile back to no limits and the default calendar keeps no row");
            Assert.That(ProfileRows(), Does.ContainKey("Metered"));
        });
    }

    [TestCase("--limit #2", "Unknown meter 'watts'", "--limit", "in_flight=4", "--limit", "watts/minute=1")]
    [TestCase("--limit #1", "has no window", "--limit", "in_flight/minute=4")]
    [TestCase("--limit #1", "non-negative", "--limit", "prompts/minute=-1")]
    [TestCase("--limit #2", "same meter, window and model", "--limit", "prompts/minute=1", "--limit", "prompts/minute=2")]
    [TestCase("--limit #1", "empty", "--limit", "prompts/minute=1@")]
    [TestCase("--time-zone", "Unknown time zone 'Nowhere/City'", "--time-zone", "Nowhere/City")]
    [TestCase("--anchor-day", "1 to 31", "--anchor-day", "32")]
    public async Task ABadLimitOrCalendarIsRefusedNamingTheOptionAndWritesNothing(string option, string says, params string[] options)
    {
        var result = await AssertRefusedUnchangedAsync(2, option, ["profiles", "create", "--name", "Metered", .. options]);

        Assert.That(result.Err, Does.Contain(says));
    }

    private string StoredLimits() =>
        Scalar<string>("SELECT x.limits FROM tokenquota_profile_limits x JOIN consumption_profiles p ON p.id = x.profile_id WHERE p.name = 'Metered';");
}
