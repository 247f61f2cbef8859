using Moq;
using TokenQuota.Storage;
using TokenQuota.Tests.TestSupport;

namespace TokenQuota.Tests;

public class RateLimitPolicyTests
{
    private const string User = "alice";

    // 2025-12-15 10:30:00 UTC: the hour began at 10:00, the day at midnight.
    private static readonly long HourStart = new DateTimeOffset(2025, 12, 15, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
    private static readonly long DayStart = new DateTimeOffset(2025, 12, 15, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
    private static readonly DateTimeOffset NextHour = new(2025, 12, 15, 11, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NextDay = new(2025, 12, 16, 0, 0, 0, TimeSpan.Zero);

    private QuotaHarness harness = null!;

    [TearDown]
    public void TearDown() => harness.Dispose();

    private QuotaHarness WithPro(Action<TokenQuotaOptions>? configure = null, DateTimeOffset? now = null)
    {
        harness = new QuotaHarness(configure, now: now);
        harness.WithProfile(Profiles.Make(2, "Pro", promptsPerHour: 5, promptsPerDay: 50, configChangesPerHour: 3)).Assign(User, 2);
        return harness;
    }

    [Test]
    public async Task PromptPassesHourlyAndDailyWindowsTogetherInOneCallWithUtcAlignedStarts()
    {
        WithPro();

        await harness.RateLimits.AcquirePromptAsync(User);

        Assert.That(harness.ChargedWindows, Has.Count.EqualTo(1));
        Assert.That(harness.ChargedWindows[0], Is.EqualTo(new[]
        {
            new RateWindowCharge(RateLimitWindow.PromptsPerHour, HourStart, 5, harness.Version),
            new RateWindowCharge(RateLimitWindow.PromptsPerDay, DayStart, 50, harness.Version),
        }));
        harness.Store.Verify(s => s.TryChargeRateWindowsAsync(User, It.IsAny<IReadOnlyList<RateWindowCharge>>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task PromptWindowStartsAreUtcEvenWhenTheClockWasSetWithAnOffset()
    {
        // 16:00 in UTC+05:30 is 10:30 UTC: the day starts at midnight UTC, not at local midnight.
        WithPro(now: new DateTimeOffset(2025, 12, 15, 16, 0, 0, TimeSpan.FromHours(5.5)));

        await harness.RateLimits.AcquirePromptAsync(User);

        Assert.That(harness.ChargedWindows.Single().Select(w => w.WindowStart), Is.EqualTo(new[] { HourStart, DayStart }));
    }

    [Test]
    public async Task PromptNextHourPassesTheNextHourlyWindowStartAndTheSameDay()
    {
        WithPro();

        await harness.RateLimits.AcquirePromptAsync(User);
        harness.Clock.Advance(TimeSpan.FromMinutes(30));
        await harness.RateLimits.AcquirePromptAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(harness.ChargedWindows[1][0].WindowStart, Is.EqualTo(HourStart + 3600));
            Assert.That(harness.ChargedWindows[1][1].WindowStart, Is.EqualTo(DayStart));
        });
    }

    [Test]
    public async Task PromptAllowedDescribesTheWindowWithFewestAttemptsLeft()
    {
        WithPro();
        harness.RateAnswer = _ => (true, [3, 40]);

        var decision = await harness.RateLimits.AcquirePromptAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsAllowed, Is.True);
            Assert.That(decision.Message, Is.Empty);
            Assert.That(decision.Window, Is.EqualTo(RateLimitWindow.PromptsPerHour));
            Assert.That(decision.Limit, Is.EqualTo(5));
            Assert.That(decision.Remaining, Is.EqualTo(2));
            Assert.That(decision.RetryAfter, Is.EqualTo(TimeSpan.Zero));
            Assert.That(decision.ResetsAt, Is.EqualTo(NextHour));
            Assert.That(decision.FailedOpen, Is.False);
        });
    }

    [Test]
    public async Task PromptAllowedDailyTighterDescribesTheDailyWindow()
    {
        WithPro();
        harness.RateAnswer = _ => (true, [1, 49]);

        var decision = await harness.RateLimits.AcquirePromptAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Window, Is.EqualTo(RateLimitWindow.PromptsPerDay));
            Assert.That(decision.Limit, Is.EqualTo(50));
            Assert.That(decision.Remaining, Is.EqualTo(1));
            Assert.That(decision.ResetsAt, Is.EqualTo(NextDay));
        });
    }

    [Test]
    public async Task PromptRefusedByTheHourlyWindowHasExactFigures()
    {
        WithPro();
        harness.RateAnswer = _ => (false, [5, 40]);

        var decision = await harness.RateLimits.AcquirePromptAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsAllowed, Is.False);
            Assert.That(decision.Window, Is.EqualTo(RateLimitWindow.PromptsPerHour));
            Assert.That(decision.Limit, Is.EqualTo(5));
            Assert.That(decision.Remaining, Is.Zero);
            Assert.That(decision.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(30)));
            Assert.That(decision.ResetsAt, Is.EqualTo(NextHour));
            Assert.That(decision.Message, Is.EqualTo("Hourly prompt limit exceeded (5/hour). Retry in 1800 seconds."));
        });
    }

    [Test]
    public async Task PromptRefusedByTheDailyWindowRetriesAtMidnightUtc()
    {
        WithPro();
        harness.RateAnswer = _ => (false, [2, 50]);

        var decision = await harness.RateLimits.AcquirePromptAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsAllowed, Is.False);
            Assert.That(decision.Window, Is.EqualTo(RateLimitWindow.PromptsPerDay));
            Assert.That(decision.Limit, Is.EqualTo(50));
            Assert.That(decision.Remaining, Is.Zero);
            Assert.That(decision.RetryAfter, Is.EqualTo(TimeSpan.FromHours(13.5)));
            Assert.That(decision.ResetsAt, Is.EqualTo(NextDay));
            Assert.That(decision.Message, Is.EqualTo("Daily prompt limit exceeded (50/day). Retry in 48600 seconds."));
        });
    }

    [Test]
    public async Task PromptBothWindowsExhaustedTheOneThatEndsLastDecides()
    {
        WithPro();
        harness.RateAnswer = _ => (false, [5, 50]);

        var decision = await harness.RateLimits.AcquirePromptAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Window, Is.EqualTo(RateLimitWindow.PromptsPerDay));
            Assert.That(decision.RetryAfter, Is.EqualTo(NextDay - QuotaHarness.DefaultNow));
        });
    }

    [Test]
    public async Task PromptRetryAfterIsExactToTheTickAndTheMessageRoundsUp()
    {
        WithPro(now: new DateTimeOffset(2025, 12, 15, 10, 59, 59, 250, TimeSpan.Zero));
        harness.RateAnswer = _ => (false, [5, 10]);

        var decision = await harness.RateLimits.AcquirePromptAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(decision.RetryAfter, Is.EqualTo(TimeSpan.FromMilliseconds(750)));
            Assert.That(decision.Message, Is.EqualTo("Hourly prompt limit exceeded (5/hour). Retry in 1 seconds."));
        });
    }

    [Test]
    public async Task PromptFractionalRetryAfterMessageRoundsUpToWholeSeconds()
    {
        WithPro(now: new DateTimeOffset(2025, 12, 15, 10, 29, 59, 500, TimeSpan.Zero));
        harness.RateAnswer = _ => (false, [5, 10]);

        var decision = await harness.RateLimits.AcquirePromptAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(decision.RetryAfter, Is.EqualTo(TimeSpan.FromMilliseconds(1_800_500)));
            Assert.That(decision.Message, Is.EqualTo("Hourly prompt limit exceeded (5/hour). Retry in 1801 seconds."));
        });
    }

    [Test]
    public async Task ConfigChangePassesOnlyTheConfigurationWindow()
    {
        WithPro();

        await harness.RateLimits.AcquireConfigChangeAsync(User);

        Assert.That(harness.ChargedWindows.Single(), Is.EqualTo(new[] { new RateWindowCharge(RateLimitWindow.ConfigChangesPerHour, HourStart, 3, harness.Version) }));
    }

    [Test]
    public async Task ConfigChangeRefusedHasTheConfigurationMessage()
    {
        WithPro(now: new DateTimeOffset(2025, 12, 15, 10, 45, 0, TimeSpan.Zero));
        harness.RateAnswer = _ => (false, [3]);

        var decision = await harness.RateLimits.AcquireConfigChangeAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsAllowed, Is.False);
            Assert.That(decision.Window, Is.EqualTo(RateLimitWindow.ConfigChangesPerHour));
            Assert.That(decision.Limit, Is.EqualTo(3));
            Assert.That(decision.Remaining, Is.Zero);
            Assert.That(decision.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(15)));
            Assert.That(decision.Message, Is.EqualTo("Configuration limit exceeded (3/hour). Retry in 900 seconds."));
        });
    }

    [Test]
    public async Task DisabledAllowsWithoutChargingAnythingReadingOnlyTheConfiguration()
    {
        WithPro(o => o.RateLimits.Enabled = false);

        var prompt = await harness.RateLimits.AcquirePromptAsync(User);
        var config = await harness.RateLimits.AcquireConfigChangeAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(prompt.IsAllowed, Is.True);
            Assert.That(prompt.Window, Is.Null);
            Assert.That(prompt.Limit, Is.Null);
            Assert.That(config.IsAllowed, Is.True);
        });
        harness.VerifyNoWrites();
        harness.Store.Verify(s => s.GetAssignedProfileIdAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);

        // The settings are read once for the configuration version, not per attempt.
        harness.Store.Verify(s => s.GetRateLimitSettingsAsync(It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task StoredSettingsWinOverTheStartUpOptionsDisabledInTheStoreAdmitsEverything()
    {
        WithPro();
        harness.StoredSettings = new StoredRateLimitSettings(Enabled: false, GlobalOverride: null);
        harness.RateAnswer = _ => (false, [5, 5]);

        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < 3; i++)
        {
            decisions.Add(await harness.RateLimits.AcquirePromptAsync(User));
        }

        Assert.That(decisions.Select(d => d.IsAllowed), Is.All.True);
        harness.VerifyNoWrites();
    }

    [Test]
    public async Task StoredGlobalOverrideAppliesTheSystemDefaultsWithoutReadingTheAssignment()
    {
        WithPro(o => o.RateLimits.DefaultPromptsPerHour = 20);
        harness.StoredSettings = new StoredRateLimitSettings(Enabled: null, GlobalOverride: true);

        await harness.RateLimits.AcquirePromptAsync(User);

        Assert.That(harness.ChargedWindows.Single().Select(w => w.Limit), Is.EqualTo(new[] { 20, 1000 }));
        harness.Store.Verify(s => s.GetAssignedProfileIdAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task AChangeOfTheStoredSettingsAppliesAtTheNextConfigurationVersion()
    {
        WithPro();
        await harness.RateLimits.AcquirePromptAsync(User);

        // Another process turns the override on: the settings change and the configuration version moves on.
        harness.StoredSettings = new StoredRateLimitSettings(Enabled: true, GlobalOverride: true);
        await harness.RateLimits.AcquirePromptAsync(User);
        harness.Version++;
        await harness.RateLimits.AcquirePromptAsync(User);
        harness.StoredSettings = new StoredRateLimitSettings(Enabled: false, GlobalOverride: true);
        harness.Version++;
        var disabled = await harness.RateLimits.AcquirePromptAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(harness.ChargedWindows.Select(w => w[0].Limit), Is.EqualTo(new[] { 5, 5, 5, 100, 100 }), "cached until the version changes: each stale charge is refused (nothing charged), then the configuration is resolved again");
            Assert.That(disabled.IsAllowed, Is.True);
            Assert.That(disabled.Limit, Is.Null);
        });
    }

    [Test]
    public async Task WhileEnabledTheCachedVersionIsChargedWhileDisabledTheVersionIsReadOnEveryAttempt()
    {
        // The harness's store reports its version with each charge and refuses a charge tagged with an older one.
        WithPro();
        var first = await harness.RateLimits.AcquirePromptAsync(User);
        var cached = await harness.RateLimits.AcquirePromptAsync(User);

        // Another process disables rate limiting: the stale charge is refused, the configuration read again.
        harness.StoredSettings = new StoredRateLimitSettings(Enabled: false, GlobalOverride: false);
        harness.Version++;
        var disabled = await harness.RateLimits.AcquirePromptAsync(User);
        var stillDisabled = await harness.RateLimits.AcquirePromptAsync(User);

        // And enables it again: with nothing charged while disabled, only the version read can notice.
        harness.StoredSettings = new StoredRateLimitSettings(Enabled: true, GlobalOverride: false);
        harness.Version++;
        var enabled = await harness.RateLimits.AcquirePromptAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(new[] { first.Limit, cached.Limit, enabled.Limit }, Is.All.EqualTo(5));
            Assert.That(new[] { disabled.Limit, stillDisabled.Limit }, Is.All.Null);
            Assert.That(harness.ChargedWindows, Has.Count.EqualTo(4), "first, cached, the refused stale one, enabled");
        });
        harness.Store.Verify(s => s.GetConfigurationVersionAsync(It.IsAny<CancellationToken>()), Times.Exactly(3));
    }

    [Test]
    public async Task GlobalOverrideUsesTheSystemDefaultsInsteadOfTheProfiles()
    {
        WithPro(o =>
        {
            o.RateLimits.GlobalOverride = true;
            o.RateLimits.DefaultPromptsPerHour = 20;
            o.RateLimits.DefaultPromptsPerDay = 200;
            o.RateLimits.DefaultConfigChangesPerHour = 2;
        });

        await harness.RateLimits.AcquirePromptAsync(User);
        await harness.RateLimits.AcquireConfigChangeAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(harness.ChargedWindows[0].Select(w => w.Limit), Is.EqualTo(new[] { 20, 200 }));
            Assert.That(harness.ChargedWindows[1].Select(w => w.Limit), Is.EqualTo(new[] { 2 }));
        });
        harness.Store.Verify(s => s.GetAssignedProfileIdAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task NoProfileUsesTheSystemDefaults()
    {
        harness = new QuotaHarness();

        await harness.RateLimits.AcquirePromptAsync(User);
        await harness.RateLimits.AcquireConfigChangeAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(harness.ChargedWindows[0].Select(w => w.Limit), Is.EqualTo(new[] { 100, 1000 }));
            Assert.That(harness.ChargedWindows[1].Select(w => w.Limit), Is.EqualTo(new[] { 10 }));
        });
    }

    [Test]
    public async Task InactiveAssignedProfileFallsBackToTheDefaultProfilesLimits()
    {
        harness = new QuotaHarness();
        harness.WithProfile(Profiles.Make(1, "Free", isDefault: true, promptsPerHour: 9, promptsPerDay: 90))
            .WithProfile(Profiles.Make(2, "Pro", isActive: false, promptsPerHour: 500, promptsPerDay: 5000))
            .Assign(User, 2);

        await harness.RateLimits.AcquirePromptAsync(User);

        Assert.That(harness.ChargedWindows.Single().Select(w => w.Limit), Is.EqualTo(new[] { 9, 90 }));
    }

    [Test]
    public async Task ProfileWithZeroPromptsPerHourIsRefused()
    {
        harness = new QuotaHarness();
        harness.WithProfile(Profiles.Make(1, "Blocked", isDefault: true, promptsPerHour: 0, promptsPerDay: 10));
        harness.RateAnswer = _ => (false, [0, 0]);

        var decision = await harness.RateLimits.AcquirePromptAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsAllowed, Is.False);
            Assert.That(decision.Window, Is.EqualTo(RateLimitWindow.PromptsPerHour));
            Assert.That(decision.Limit, Is.Zero);
            Assert.That(decision.Message, Is.EqualTo("Hourly prompt limit exceeded (0/hour). Retry in 1800 seconds."));
        });
    }
}
