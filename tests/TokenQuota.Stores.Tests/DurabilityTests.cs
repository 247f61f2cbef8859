namespace TokenQuota.Stores.Tests;

/// <summary>
/// Data outlives the process: after the ServiceProvider is disposed (and every pooled connection closed), a new one
/// on the same database sees the totals, assignments, profiles and rate-window counts.
/// </summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class DurabilityTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    [Test]
    public async Task TotalsAssignmentsProfilesAndRateCountsSurviveARestart()
    {
        var first = await StartAsync();
        var team = await first.Profiles.CreateAsync(new NewConsumptionProfile
        {
            Name = "Team",
            PromptsPerHour = 3,
            PromptsPerDay = 10,
            ConfigChangesPerHour = 2,
            InputTokensPerMonth = 1_000,
            OutputTokensPerMonth = 500,
        }, actor: "admin");
        await first.Profiles.AssignAsync("user-1", team.Id, actor: "admin");
        await first.Checker.RecordAsync("user-1", 400, 100);
        await first.Checker.RecordAsync("user-2", 7, 8);
        Assert.That((await first.Rates.AcquirePromptAsync("user-1")).IsAllowed, Is.True);
        Assert.That((await first.Rates.AcquirePromptAsync("user-1")).IsAllowed, Is.True);
        Assert.That((await first.Rates.AcquireConfigChangeAsync("user-1")).IsAllowed, Is.True);
        var before = Snapshot();

        await first.Provider.DisposeAsync();
        Backend.ReleaseConnections();
        Assert.That(Snapshot(), Is.EqualTo(before), "disposing must not change the database");

        var second = await StartAsync();
        var status = await second.Checker.GetStatusAsync("user-1");
        var other = await second.Checker.GetStatusAsync("user-2");
        var third = await second.Rates.AcquirePromptAsync("user-1");
        var fourth = await second.Rates.AcquirePromptAsync("user-1");
        var config = await second.Rates.AcquireConfigChangeAsync("user-1");
        var configRefused = await second.Rates.AcquireConfigChangeAsync("user-1");
        var denied = await second.Checker.CheckAsync("user-1", 601, 0);

        Assert.Multiple(() =>
        {
            Assert.That(status.ProfileName, Is.EqualTo("Team"));
            Assert.That(status.ProfileId, Is.EqualTo(team.Id));
            Assert.That(status.InputTokens.Used, Is.EqualTo(400));
            Assert.That(status.OutputTokens.Used, Is.EqualTo(100));
            Assert.That(other.ProfileName, Is.EqualTo("Free"));
            Assert.That(other.InputTokens.Used, Is.EqualTo(7));
            Assert.That(third.IsAllowed, Is.True);
            Assert.That(third.Remaining, Is.Zero, "two prompts were counted before the restart");
            Assert.That(fourth.IsAllowed, Is.False);
            Assert.That(config.IsAllowed, Is.True);
            Assert.That(configRefused.IsAllowed, Is.False);
            Assert.That(denied.Message, Is.EqualTo("Input token quota exceeded. Limit: 1,000/month, Used: 400, Remaining: 600"));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_audit_log;"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task ARestartLaterInTheSameHourKeepsTheWindowAndANewHourStartsAfresh()
    {
        var first = await StartAsync();
        var team = await first.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Team", PromptsPerHour = 2, PromptsPerDay = 10 });
        await first.Profiles.AssignAsync("user-1", team.Id);
        await first.Rates.AcquirePromptAsync("user-1");
        await first.Rates.AcquirePromptAsync("user-1");
        await first.Provider.DisposeAsync();
        Backend.ReleaseConnections();

        Clock.Advance(TimeSpan.FromMinutes(59));
        var second = await StartAsync();
        var sameHour = await second.Rates.AcquirePromptAsync("user-1");
        await second.Provider.DisposeAsync();
        Backend.ReleaseConnections();

        Clock.Advance(TimeSpan.FromMinutes(1));
        var third = await StartAsync();
        var nextHour = await third.Rates.AcquirePromptAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(sameHour.IsAllowed, Is.False);
            Assert.That(sameHour.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(1)));
            Assert.That(nextHour.IsAllowed, Is.True);
            Assert.That(Scalar<long>("SELECT request_count FROM tokenquota_rate_windows WHERE user_id = 'user-1' AND window_key = 'prompts_daily';"), Is.EqualTo(3));
        });
    }

}
