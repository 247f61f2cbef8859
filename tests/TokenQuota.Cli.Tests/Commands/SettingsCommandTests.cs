using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Cli.Tests;

public class SettingsCommandTests : CliTestBase
{
    [SetUp]
    public Task Migrate() => MigrateAsync();

    [Test]
    public async Task SettingsShowsTheDefaultsOfADatabaseThatStoresNoneAndSaysSo()
    {
        var text = await RunOkAsync("settings");
        var json = (await RunOkAsync("settings", "--json")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(text.Out, Does.Contain("Enabled:         yes"));
            Assert.That(text.Out, Does.Contain("Global override: no"));
            Assert.That(text.Out, Does.Contain("not stored in the database yet"));
            Assert.That(json.GetProperty("rate_limit_enabled").GetBoolean(), Is.True);
            Assert.That(json.GetProperty("rate_limit_global_override").GetBoolean(), Is.False);
            Assert.That(json.GetProperty("stored").GetBoolean(), Is.False);
        });
    }

    [Test]
    public async Task SettingsSetChangesOnlyTheOptionsGivenStoresThemAndAuditsWithTheCliActor()
    {
        var set = await RunOkAsync("settings", "set", "--global-override", "true");
        var json = (await RunOkAsync("settings", "--json")).Json();
        var audit = (await RunOkAsync("audit", "--action", QuotaAuditActions.RateLimitSettingsUpdated, "--json")).Json().GetProperty("items")[0];

        Assert.Multiple(() =>
        {
            Assert.That(set.Out, Does.StartWith("Updated the rate-limit settings."));
            Assert.That(set.Out, Does.Contain("Global override: yes (system defaults for every user)"));
            Assert.That(json.GetProperty("rate_limit_enabled").GetBoolean(), Is.True);
            Assert.That(json.GetProperty("rate_limit_global_override").GetBoolean(), Is.True);
            Assert.That(json.GetProperty("stored").GetBoolean(), Is.True);
            Assert.That(Scalar<long>("SELECT value FROM tokenquota_state WHERE key = 'rate_limit_global_override';"), Is.EqualTo(1));
            Assert.That(audit.GetProperty("actor").GetString(), Is.EqualTo(Actor));
            Assert.That(audit.GetProperty("before").GetProperty("rate_limit_global_override").GetBoolean(), Is.False);
            Assert.That(audit.GetProperty("after").GetProperty("rate_limit_global_override").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task AHostOnTheSameDatabaseAppliesTheCliChangeWithoutARestart()
    {
        await using var host = Library();
        var rates = host.GetRequiredService<IRateLimitPolicy>();
        var profiles = host.GetRequiredService<IConsumptionProfileManager>();
        var tight = await profiles.CreateAsync(new NewConsumptionProfile { Name = "Tight", PromptsPerHour = 1, PromptsPerDay = 10 });
        await profiles.AssignAsync("alice", tight.Id);
        var first = await rates.AcquirePromptAsync("alice");
        var refused = await rates.AcquirePromptAsync("alice");

        var json = (await RunOkAsync("settings", "set", "--enabled", "false", "--json")).Json();
        var admitted = await rates.AcquirePromptAsync("alice");

        Assert.Multiple(() =>
        {
            Assert.That(new[] { first.IsAllowed, refused.IsAllowed }, Is.EqualTo(new[] { true, false }));
            Assert.That(json.GetProperty("rate_limit_enabled").GetBoolean(), Is.False);
            Assert.That(admitted.IsAllowed, Is.True, "the running host read the new settings at its next configuration version");
        });
    }

    [Test]
    public async Task SettingsSetWithoutAnOptionIsAUsageErrorAndChangesNothing() =>
        await AssertRefusedUnchangedAsync(ExitCodes.UsageError, "Nothing to change", "settings", "set");

    [TestCase("--enabled", "maybe")]
    [TestCase("--enabled", "1")]
    [TestCase("--global-override")]
    public async Task AMissingOrNonBooleanValueIsAUsageErrorAndChangesNothing(params string[] options) =>
        await AssertRefusedUnchangedAsync(ExitCodes.UsageError, options[0], ["settings", "set", .. options]);
}
