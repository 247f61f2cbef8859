using TokenQuota.Storage;

namespace TokenQuota.Stores.Tests;

/// <summary>
/// DESIGN §3 "Rate limits": fixed UTC windows kept in <c>tokenquota_rate_windows</c>, judged and charged together,
/// with an exact <c>RetryAfter</c>; every instant comes from the <c>FakeTimeProvider</c>.
/// </summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class RateLimitWindowTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    private static readonly DateTimeOffset TenTwenty = new(2025, 12, 5, 10, 20, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Eleven = new(2025, 12, 5, 11, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Midnight = new(2025, 12, 6, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task TheFourthPromptOfAThreePerHourProfileIsRefusedUntilTheTopOfTheNextUtcHour()
    {
        var services = await StartWithProfileAsync("user-1", perHour: 3, perDay: 100);
        Clock.SetUtcNow(TenTwenty);

        var admitted = new List<RateLimitDecision>();
        for (var i = 0; i < 3; i++)
        {
            admitted.Add(await services.Rates.AcquirePromptAsync("user-1"));
        }

        var refused = await services.Rates.AcquirePromptAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(admitted.Select(d => d.IsAllowed), Is.All.True);
            Assert.That(admitted.Select(d => d.Remaining), Is.EqualTo(new int?[] { 2, 1, 0 }));
            Assert.That(admitted.Select(d => d.Window), Is.All.EqualTo(RateLimitWindow.PromptsPerHour));
            Assert.That(admitted[0].ResetsAt, Is.EqualTo(Eleven));
            Assert.That(admitted[0].RetryAfter, Is.EqualTo(TimeSpan.Zero));
            Assert.That(refused.IsAllowed, Is.False);
            Assert.That(refused.Window, Is.EqualTo(RateLimitWindow.PromptsPerHour));
            Assert.That(refused.Limit, Is.EqualTo(3));
            Assert.That(refused.Remaining, Is.Zero);
            Assert.That(refused.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(40)));
            Assert.That(refused.ResetsAt, Is.EqualTo(Eleven));
            Assert.That(refused.Message, Is.EqualTo("Hourly prompt limit exceeded (3/hour). Retry in 2400 seconds."));
            Assert.That(WindowCount("user-1", "prompts_hourly"), Is.EqualTo((Eleven.AddHours(-1).ToUnixTimeSeconds(), 3L)));
            Assert.That(WindowCount("user-1", "prompts_daily"), Is.EqualTo((Midnight.AddDays(-1).ToUnixTimeSeconds(), 3L)));
        });
    }

    [Test]
    public async Task EveryChargeReportsTheConfigurationVersionAndAChargeResolvedAgainstAnotherIsRefusedWritingNothing()
    {
        var s = await StartAsync();
        var version = await s.Store.GetConfigurationVersionAsync();
        var start = TenTwenty.ToUnixTimeSeconds() - (TenTwenty.ToUnixTimeSeconds() % 3600);

        var stale = await s.Store.TryChargeRateWindowsAsync("user-1", [new(RateLimitWindow.ConfigChangesPerHour, start, 10, version + 1)]);
        var mixed = await s.Store.TryChargeRateWindowsAsync(
            "user-1", [new(RateLimitWindow.PromptsPerHour, start, 10, version), new(RateLimitWindow.PromptsPerDay, start - (start % 86_400), 10, version + 1)]);
        var nothingWritten = Scalar<long>("SELECT (SELECT COUNT(*) FROM tokenquota_rate_windows) + (SELECT COUNT(*) FROM tokenquota_prompt_windows);");
        var current = await s.Store.TryChargeRateWindowsAsync("user-1", [new(RateLimitWindow.ConfigChangesPerHour, start, 10, version)]);

        Assert.Multiple(() =>
        {
            Assert.That(version, Is.Positive);
            Assert.That((stale.Charged, stale.ConfigurationVersion), Is.EqualTo((false, version)), "refused for staleness, with the store's version");
            Assert.That((mixed.Charged, mixed.ConfigurationVersion), Is.EqualTo((false, version)), "one stale window refuses the whole request");
            Assert.That(nothingWritten, Is.Zero);
            Assert.That((current.Charged, current.ConfigurationVersion, current.Counts), Is.EqualTo((true, version, new[] { 1 })));
            Assert.That(Scalar<long>("SELECT request_count FROM tokenquota_rate_windows WHERE user_id = 'user-1';"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task RetryAfterIsExactToTheMillisecond()
    {
        var services = await StartWithProfileAsync("user-1", perHour: 3, perDay: 100);
        Clock.SetUtcNow(TenTwenty);
        for (var i = 0; i < 3; i++)
        {
            await services.Rates.AcquirePromptAsync("user-1");
        }

        Clock.SetUtcNow(Eleven.AddMilliseconds(-1));
        var justBefore = await services.Rates.AcquirePromptAsync("user-1");
        Clock.Advance(justBefore.RetryAfter);
        var atTheHour = await services.Rates.AcquirePromptAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(justBefore.IsAllowed, Is.False);
            Assert.That(justBefore.RetryAfter, Is.EqualTo(TimeSpan.FromMilliseconds(1)));
            Assert.That(justBefore.Message, Is.EqualTo("Hourly prompt limit exceeded (3/hour). Retry in 1 seconds."));
            Assert.That(atTheHour.IsAllowed, Is.True);
            Assert.That(Clock.GetUtcNow(), Is.EqualTo(Eleven));
        });
    }

    [Test]
    public async Task AfterTheClockPassesTheHourPromptsAreAdmittedAgain()
    {
        var services = await StartWithProfileAsync("user-1", perHour: 3, perDay: 100);
        Clock.SetUtcNow(TenTwenty);
        for (var i = 0; i < 4; i++)
        {
            await services.Rates.AcquirePromptAsync("user-1");
        }

        Clock.Advance(TimeSpan.FromMinutes(41));
        var next = new List<RateLimitDecision>();
        for (var i = 0; i < 4; i++)
        {
            next.Add(await services.Rates.AcquirePromptAsync("user-1"));
        }

        Assert.Multiple(() =>
        {
            Assert.That(next.Select(d => d.IsAllowed), Is.EqualTo(new[] { true, true, true, false }));
            Assert.That(next[3].RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(59)));
            Assert.That(WindowCount("user-1", "prompts_hourly"), Is.EqualTo((Eleven.ToUnixTimeSeconds(), 3L)));
            Assert.That(WindowCount("user-1", "prompts_daily"), Is.EqualTo((Midnight.AddDays(-1).ToUnixTimeSeconds(), 6L)));
        });
    }

    [Test]
    public async Task TheDailyWindowRefusesUntilMidnightUtc()
    {
        var services = await StartWithProfileAsync("user-1", perHour: 3, perDay: 5);
        Clock.SetUtcNow(TenTwenty);
        for (var i = 0; i < 3; i++)
        {
            Assert.That((await services.Rates.AcquirePromptAsync("user-1")).IsAllowed, Is.True);
        }

        Clock.SetUtcNow(Eleven.AddMinutes(5));
        var fourth = await services.Rates.AcquirePromptAsync("user-1");
        var fifth = await services.Rates.AcquirePromptAsync("user-1");
        Clock.SetUtcNow(Eleven.AddMinutes(10));
        var refused = await services.Rates.AcquirePromptAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(fourth.IsAllowed, Is.True);
            Assert.That(fifth.IsAllowed, Is.True);
            Assert.That(fifth.Window, Is.EqualTo(RateLimitWindow.PromptsPerDay), "the window with the fewest attempts left");
            Assert.That(fifth.Remaining, Is.Zero);
            Assert.That(refused.IsAllowed, Is.False);
            Assert.That(refused.Window, Is.EqualTo(RateLimitWindow.PromptsPerDay));
            Assert.That(refused.Limit, Is.EqualTo(5));
            Assert.That(refused.RetryAfter, Is.EqualTo(new TimeSpan(12, 50, 0)));
            Assert.That(refused.ResetsAt, Is.EqualTo(Midnight));
            Assert.That(refused.Message, Is.EqualTo("Daily prompt limit exceeded (5/day). Retry in 46200 seconds."));
            Assert.That(WindowCount("user-1", "prompts_hourly"), Is.EqualTo((Eleven.ToUnixTimeSeconds(), 2L)));
            Assert.That(WindowCount("user-1", "prompts_daily"), Is.EqualTo((Midnight.AddDays(-1).ToUnixTimeSeconds(), 5L)));
        });

        Clock.SetUtcNow(Midnight);
        var nextDay = await services.Rates.AcquirePromptAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(nextDay.IsAllowed, Is.True);
            Assert.That(WindowCount("user-1", "prompts_hourly"), Is.EqualTo((Midnight.ToUnixTimeSeconds(), 1L)));
            Assert.That(WindowCount("user-1", "prompts_daily"), Is.EqualTo((Midnight.ToUnixTimeSeconds(), 1L)));
        });
    }

    [Test]
    public async Task WhenBothWindowsAreExhaustedTheOneThatEndsLastDecidesRetryAfter()
    {
        var services = await StartWithProfileAsync("user-1", perHour: 3, perDay: 3);
        Clock.SetUtcNow(TenTwenty);
        for (var i = 0; i < 3; i++)
        {
            await services.Rates.AcquirePromptAsync("user-1");
        }

        var refused = await services.Rates.AcquirePromptAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(refused.IsAllowed, Is.False);
            Assert.That(refused.Window, Is.EqualTo(RateLimitWindow.PromptsPerDay));
            Assert.That(refused.RetryAfter, Is.EqualTo(Midnight - TenTwenty));
        });
    }

    [Test]
    public async Task ARefusedAttemptIsChargedInNeitherWindow()
    {
        var services = await StartWithProfileAsync("user-1", perHour: 3, perDay: 5);
        Clock.SetUtcNow(TenTwenty);
        for (var i = 0; i < 3; i++)
        {
            await services.Rates.AcquirePromptAsync("user-1");
        }

        var before = Snapshot();
        Clock.SetUtcNow(TenTwenty.AddMinutes(10));
        for (var i = 0; i < 10; i++)
        {
            Assert.That((await services.Rates.AcquirePromptAsync("user-1")).IsAllowed, Is.False);
        }

        Assert.Multiple(() =>
        {
            Assert.That(Snapshot(), Is.EqualTo(before), "refused attempts changed the database");
            Assert.That(WindowCount("user-1", "prompts_hourly").Count, Is.EqualTo(3));
            Assert.That(WindowCount("user-1", "prompts_daily").Count, Is.EqualTo(3));
        });

        // Had the refusals been counted in the daily window, it would already be exhausted.
        Clock.SetUtcNow(Eleven);
        var afterTheHour = new[] { await services.Rates.AcquirePromptAsync("user-1"), await services.Rates.AcquirePromptAsync("user-1") };
        Assert.That(afterTheHour.Select(d => d.IsAllowed), Is.All.True);
        Assert.That(WindowCount("user-1", "prompts_daily").Count, Is.EqualTo(5));
    }

    [Test]
    public async Task TheConfigChangeWindowIsSeparateFromThePromptWindows()
    {
        var services = await StartWithProfileAsync("user-1", perHour: 3, perDay: 100, configPerHour: 2);
        Clock.SetUtcNow(TenTwenty);

        var first = await services.Rates.AcquireConfigChangeAsync("user-1");
        var second = await services.Rates.AcquireConfigChangeAsync("user-1");
        var third = await services.Rates.AcquireConfigChangeAsync("user-1");
        var prompt = await services.Rates.AcquirePromptAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(first.IsAllowed, Is.True);
            Assert.That(first.Window, Is.EqualTo(RateLimitWindow.ConfigChangesPerHour));
            Assert.That(first.Remaining, Is.EqualTo(1));
            Assert.That(second.IsAllowed, Is.True);
            Assert.That(third.IsAllowed, Is.False);
            Assert.That(third.Window, Is.EqualTo(RateLimitWindow.ConfigChangesPerHour));
            Assert.That(third.Limit, Is.EqualTo(2));
            Assert.That(third.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(40)));
            Assert.That(third.Message, Is.EqualTo("Configuration limit exceeded (2/hour). Retry in 2400 seconds."));
            Assert.That(prompt.IsAllowed, Is.True);
            Assert.That(WindowCount("user-1", "config_hourly").Count, Is.EqualTo(2));
            Assert.That(WindowCount("user-1", "prompts_hourly").Count, Is.EqualTo(1));
        });

        Clock.SetUtcNow(Eleven);
        Assert.That((await services.Rates.AcquireConfigChangeAsync("user-1")).IsAllowed, Is.True);
        Assert.That(WindowCount("user-1", "config_hourly"), Is.EqualTo((Eleven.ToUnixTimeSeconds(), 1L)));
    }

    [Test]
    public async Task WindowsArePerUser()
    {
        var services = await StartWithProfileAsync("user-1", perHour: 1, perDay: 100);
        await services.Profiles.AssignAsync("user-2", (await services.Profiles.GetEffectiveProfileAsync("user-1"))!.Id);

        var one = await services.Rates.AcquirePromptAsync("user-1");
        var oneAgain = await services.Rates.AcquirePromptAsync("user-1");
        var two = await services.Rates.AcquirePromptAsync("user-2");

        Assert.Multiple(() =>
        {
            Assert.That(one.IsAllowed, Is.True);
            Assert.That(oneAgain.IsAllowed, Is.False);
            Assert.That(two.IsAllowed, Is.True);
        });
    }

    [Test]
    public async Task ARateLimitOfZeroRefusesTheFirstAttempt()
    {
        var services = await StartWithProfileAsync("user-1", perHour: 0, perDay: 100, configPerHour: 0);
        Clock.SetUtcNow(TenTwenty);

        var prompt = await services.Rates.AcquirePromptAsync("user-1");
        var config = await services.Rates.AcquireConfigChangeAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(prompt.IsAllowed, Is.False);
            Assert.That(prompt.Window, Is.EqualTo(RateLimitWindow.PromptsPerHour));
            Assert.That(prompt.Limit, Is.Zero);
            Assert.That(prompt.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(40)));
            Assert.That(config.IsAllowed, Is.False);
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_rate_windows;"), Is.Zero);
        });
    }

    [Test]
    public async Task AUserWithNoProfileGetsTheSystemDefaultRateLimits()
    {
        var services = await StartAsync(o =>
        {
            o.RateLimits.DefaultPromptsPerHour = 2;
            o.RateLimits.DefaultPromptsPerDay = 50;
            o.RateLimits.DefaultConfigChangesPerHour = 1;
        });
        await RemoveDefaultAsync(services.Profiles);

        var results = new List<RateLimitDecision>();
        for (var i = 0; i < 3; i++)
        {
            results.Add(await services.Rates.AcquirePromptAsync("nobody"));
        }

        var configs = new[] { await services.Rates.AcquireConfigChangeAsync("nobody"), await services.Rates.AcquireConfigChangeAsync("nobody") };

        Assert.Multiple(() =>
        {
            Assert.That(results.Select(d => d.IsAllowed), Is.EqualTo(new[] { true, true, false }));
            Assert.That(results[2].Limit, Is.EqualTo(2));
            Assert.That(configs.Select(d => d.IsAllowed), Is.EqualTo(new[] { true, false }));
        });
    }

    [Test]
    public async Task DisabledRateLimitsAdmitEverythingAndStoreNothing()
    {
        var services = await StartWithProfileAsync("user-1", perHour: 1, perDay: 1, configPerHour: 1, configure: o => o.RateLimits.Enabled = false);

        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < 20; i++)
        {
            decisions.Add(await services.Rates.AcquirePromptAsync("user-1"));
            decisions.Add(await services.Rates.AcquireConfigChangeAsync("user-1"));
        }

        var status = await services.Checker.GetStatusAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(decisions.Select(d => d.IsAllowed), Is.All.True);
            Assert.That(decisions.Select(d => d.Window), Is.All.Null);
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_rate_windows;"), Is.Zero);
            Assert.That(status.RateLimits, Is.EqualTo(new QuotaRateLimitsStatus()));
            Assert.That(status.ProfileName, Is.EqualTo("Limited"));
        });
    }

    [Test]
    public async Task GlobalOverrideIgnoresProfileLimitsAndAppliesTheSystemDefaultsToEveryone()
    {
        var services = await StartWithProfileAsync("user-1", perHour: 1, perDay: 1, configPerHour: 1, configure: o =>
        {
            o.RateLimits.GlobalOverride = true;
            o.RateLimits.DefaultPromptsPerHour = 4;
            o.RateLimits.DefaultPromptsPerDay = 40;
            o.RateLimits.DefaultConfigChangesPerHour = 2;
        });
        var unlimitedId = await ProfileIdAsync(services.Profiles, "Unlimited");
        await services.Profiles.AssignAsync("user-2", unlimitedId);
        Clock.SetUtcNow(TenTwenty);

        var limited = new List<RateLimitDecision>();
        var unlimited = new List<RateLimitDecision>();
        for (var i = 0; i < 5; i++)
        {
            limited.Add(await services.Rates.AcquirePromptAsync("user-1"));
            unlimited.Add(await services.Rates.AcquirePromptAsync("user-2"));
        }

        var configs = new[]
        {
            await services.Rates.AcquireConfigChangeAsync("user-1"),
            await services.Rates.AcquireConfigChangeAsync("user-1"),
            await services.Rates.AcquireConfigChangeAsync("user-1"),
        };
        var status = await services.Checker.GetStatusAsync("user-1");
        var tokens = await services.Checker.CheckAsync("user-1", 11, 0);

        Assert.Multiple(() =>
        {
            Assert.That(limited.Select(d => d.IsAllowed), Is.EqualTo(new[] { true, true, true, true, false }));
            Assert.That(unlimited.Select(d => d.IsAllowed), Is.EqualTo(new[] { true, true, true, true, false }));
            Assert.That(limited[4].Limit, Is.EqualTo(4));
            Assert.That(limited[4].RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(40)));
            Assert.That(configs.Select(d => d.IsAllowed), Is.EqualTo(new[] { true, true, false }));
            Assert.That(status.RateLimits, Is.EqualTo(new QuotaRateLimitsStatus { PromptsPerHour = 4, PromptsPerDay = 40, ConfigChangesPerHour = 2 }));
            Assert.That(status.ProfileName, Is.EqualTo("Limited"), "the override concerns rate limits only");
            Assert.That(tokens.IsAllowed, Is.False, "token limits still come from the profile");
        });
    }

    private async Task<Services> StartWithProfileAsync(
        string userId, int perHour, int perDay, int configPerHour = 10, Action<TokenQuotaOptions>? configure = null)
    {
        var services = await StartAsync(configure);
        var profile = await services.Profiles.CreateAsync(new NewConsumptionProfile
        {
            Name = "Limited",
            PromptsPerHour = perHour,
            PromptsPerDay = perDay,
            ConfigChangesPerHour = configPerHour,
            InputTokensPerMonth = 10,
            OutputTokensPerMonth = 10,
        });
        await services.Profiles.AssignAsync(userId, profile.Id);
        return services;
    }

    private (long Start, long Count) WindowCount(string userId, string key)
    {
        var rows = Rows($"SELECT window_start, request_count FROM tokenquota_rate_windows WHERE user_id = '{userId}' AND window_key = '{key}';");
        return rows.Count == 0 ? (0, 0) : ((long)rows[0]["window_start"]!, (long)rows[0]["request_count"]!);
    }
}
