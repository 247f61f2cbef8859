using System.Text.Json;
using TokenQuota.Tests.TestSupport;

namespace TokenQuota.Tests;

public class QuotaStatusTests
{
    private const string User = "alice";
    private QuotaHarness harness = null!;

    [TearDown]
    public void TearDown() => harness.Dispose();

    [Test]
    public async Task StatusWithProfileHasTheSeedFigures()
    {
        harness = new QuotaHarness();
        harness.WithProfile(Profiles.Make(2, "Pro", input: 500_000, output: 250_000, promptsPerHour: 200, promptsPerDay: 2000, configChangesPerHour: 20))
            .Assign(User, 2)
            .WithUsage(User, 45_230, 23_150);

        var status = await harness.Checker.GetStatusAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(status.HasQuota, Is.True);
            Assert.That(status.Period, Is.EqualTo("2025-12"));
            Assert.That(status.ProfileName, Is.EqualTo("Pro"));
            Assert.That(status.ProfileId, Is.EqualTo(2));
            Assert.That(status.InputTokens, Is.EqualTo(new QuotaTokenStatus { Limit = 500_000, Used = 45_230, Remaining = 454_770, PercentageUsed = 9.0 }));
            Assert.That(status.OutputTokens, Is.EqualTo(new QuotaTokenStatus { Limit = 250_000, Used = 23_150, Remaining = 226_850, PercentageUsed = 9.3 }));
            Assert.That(status.RateLimits, Is.EqualTo(new QuotaRateLimitsStatus { PromptsPerHour = 200, PromptsPerDay = 2000, ConfigChangesPerHour = 20 }));
            Assert.That(status.ResetsAt, Is.EqualTo(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        });
    }

    [TestCase(100L, 120L, 0L, 100.0)]
    [TestCase(100L, 100L, 0L, 100.0)]
    [TestCase(3L, 1L, 2L, 33.3)]
    [TestCase(3L, 2L, 1L, 66.7)]
    [TestCase(10_000L, 9_996L, 4L, 100.0)]
    [TestCase(10_000L, 9_994L, 6L, 99.9)]
    [TestCase(1_000L, 0L, 1_000L, 0.0)]
    [TestCase(0L, 0L, 0L, 100.0)]
    [TestCase(0L, 5L, 0L, 100.0)]
    public void TokenStatusComputesRemainingAndRoundedCappedPercentage(long limit, long used, long remaining, double percentage)
    {
        var figures = QuotaTokenStatus.From(limit, used);

        Assert.Multiple(() =>
        {
            Assert.That(figures.Limit, Is.EqualTo(limit));
            Assert.That(figures.Used, Is.EqualTo(used));
            Assert.That(figures.Remaining, Is.EqualTo(remaining));
            Assert.That(figures.PercentageUsed, Is.EqualTo(percentage));
        });
    }

    [Test]
    public void TokenStatusNullLimitReadsRemainingNullAndPercentageZero()
    {
        var figures = QuotaTokenStatus.From(null, 123_456);

        Assert.That(figures, Is.EqualTo(new QuotaTokenStatus { Limit = null, Used = 123_456, Remaining = null, PercentageUsed = 0 }));
    }

    [Test]
    public async Task StatusLimitOfZeroReadsOneHundredPercent()
    {
        harness = new QuotaHarness();
        harness.WithProfile(Profiles.Make(4, "Frozen", input: 0, output: 0, isDefault: true));

        var status = await harness.Checker.GetStatusAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(status.InputTokens.PercentageUsed, Is.EqualTo(100.0));
            Assert.That(status.InputTokens.Remaining, Is.Zero);
            Assert.That(status.OutputTokens.PercentageUsed, Is.EqualTo(100.0));
        });
    }

    [Test]
    public async Task StatusUnlimitedProfileStillHasQuota()
    {
        harness = new QuotaHarness();
        harness.WithProfile(Profiles.Make(3, "Unlimited", isDefault: true)).WithUsage(User, 7, 8);

        var status = await harness.Checker.GetStatusAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(status.HasQuota, Is.True);
            Assert.That(status.ProfileName, Is.EqualTo("Unlimited"));
            Assert.That(status.InputTokens, Is.EqualTo(new QuotaTokenStatus { Limit = null, Used = 7, Remaining = null, PercentageUsed = 0 }));
            Assert.That(status.OutputTokens, Is.EqualTo(new QuotaTokenStatus { Limit = null, Used = 8, Remaining = null, PercentageUsed = 0 }));
        });
    }

    [Test]
    public async Task StatusWithoutProfileHasNoQuotaAndTheSystemDefaultRateLimits()
    {
        harness = new QuotaHarness();
        harness.WithUsage(User, 42, 17);

        var status = await harness.Checker.GetStatusAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(status.HasQuota, Is.False);
            Assert.That(status.ProfileName, Is.Null);
            Assert.That(status.ProfileId, Is.Null);
            Assert.That(status.InputTokens, Is.EqualTo(new QuotaTokenStatus { Limit = null, Used = 42, Remaining = null, PercentageUsed = 0 }));
            Assert.That(status.OutputTokens, Is.EqualTo(new QuotaTokenStatus { Limit = null, Used = 17, Remaining = null, PercentageUsed = 0 }));
            Assert.That(status.RateLimits, Is.EqualTo(new QuotaRateLimitsStatus { PromptsPerHour = 100, PromptsPerDay = 1000, ConfigChangesPerHour = 10 }));
        });
    }

    [Test]
    public async Task StatusWithoutProfileShowsTheConfiguredSystemDefaults()
    {
        harness = new QuotaHarness(o =>
        {
            o.RateLimits.DefaultPromptsPerHour = 7;
            o.RateLimits.DefaultPromptsPerDay = 70;
            o.RateLimits.DefaultConfigChangesPerHour = 3;
        });

        var status = await harness.Checker.GetStatusAsync(User);

        Assert.That(status.RateLimits, Is.EqualTo(new QuotaRateLimitsStatus { PromptsPerHour = 7, PromptsPerDay = 70, ConfigChangesPerHour = 3 }));
    }

    [Test]
    public async Task StatusUnderGlobalOverrideShowsTheSystemDefaultsInsteadOfTheProfiles()
    {
        harness = new QuotaHarness(o => o.RateLimits.GlobalOverride = true);
        harness.WithProfile(Profiles.Make(2, "Pro", promptsPerHour: 200, promptsPerDay: 2000, configChangesPerHour: 20)).Assign(User, 2);

        var status = await harness.Checker.GetStatusAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(status.HasQuota, Is.True);
            Assert.That(status.RateLimits, Is.EqualTo(new QuotaRateLimitsStatus { PromptsPerHour = 100, PromptsPerDay = 1000, ConfigChangesPerHour = 10 }));
        });
    }

    [Test]
    public async Task StatusWithRateLimitingDisabledShowsNoRateLimits()
    {
        harness = new QuotaHarness(o => o.RateLimits.Enabled = false);
        harness.WithProfile(Profiles.Make(2, "Pro", promptsPerHour: 200)).Assign(User, 2);

        var status = await harness.Checker.GetStatusAsync(User);

        Assert.That(status.RateLimits, Is.EqualTo(new QuotaRateLimitsStatus()));
    }

    [Test]
    public async Task StatusSerializesWithPlainJsonSerializerToTheSeedsSnakeCaseShape()
    {
        harness = new QuotaHarness();
        harness.WithProfile(Profiles.Make(2, "Pro", input: 500_000, output: null, promptsPerHour: 200, promptsPerDay: 2000, configChangesPerHour: 20))
            .Assign(User, 2)
            .WithUsage(User, 45_230, 23_150);

        var json = JsonSerializer.Serialize(await harness.Checker.GetStatusAsync(User));
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(
                root.EnumerateObject().Select(p => p.Name).ToArray(),
                Is.SupersetOf(new[] { "has_quota", "period", "profile_name", "profile_id", "input_tokens", "output_tokens", "rate_limits" }));
            Assert.That(root.GetProperty("has_quota").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("period").GetString(), Is.EqualTo("2025-12"));
            Assert.That(root.GetProperty("profile_name").GetString(), Is.EqualTo("Pro"));
            Assert.That(root.GetProperty("profile_id").GetInt64(), Is.EqualTo(2));

            var input = root.GetProperty("input_tokens");
            Assert.That(input.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "limit", "used", "remaining", "percentage_used", "reserved" }));
            Assert.That(input.GetProperty("limit").GetInt64(), Is.EqualTo(500_000));
            Assert.That(input.GetProperty("used").GetInt64(), Is.EqualTo(45_230));
            Assert.That(input.GetProperty("remaining").GetInt64(), Is.EqualTo(454_770));
            Assert.That(input.GetProperty("percentage_used").GetDouble(), Is.EqualTo(9.0));

            var output = root.GetProperty("output_tokens");
            Assert.That(output.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "limit", "used", "remaining", "percentage_used", "reserved" }));
            Assert.That(output.GetProperty("limit").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(output.GetProperty("used").GetInt64(), Is.EqualTo(23_150));
            Assert.That(output.GetProperty("remaining").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(output.GetProperty("percentage_used").GetDouble(), Is.Zero);

            var rates = root.GetProperty("rate_limits");
            Assert.That(rates.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "prompts_per_hour", "prompts_per_day", "config_changes_per_hour" }));
            Assert.That(rates.GetProperty("prompts_per_hour").GetInt32(), Is.EqualTo(200));
            Assert.That(rates.GetProperty("prompts_per_day").GetInt32(), Is.EqualTo(2000));
            Assert.That(rates.GetProperty("config_changes_per_hour").GetInt32(), Is.EqualTo(20));

            Assert.That(json, Does.Not.Contain("\"HasQuota\"").And.Not.Contain("\"InputTokens\""));
        });
    }

    [Test]
    public async Task StatusWithoutProfileSerializesNullProfileAndDefaultRateLimits()
    {
        harness = new QuotaHarness();

        var json = JsonSerializer.Serialize(await harness.Checker.GetStatusAsync(User));
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("has_quota").GetBoolean(), Is.False);
            Assert.That(root.GetProperty("profile_name").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(root.GetProperty("profile_id").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(root.GetProperty("rate_limits").GetProperty("prompts_per_hour").GetInt32(), Is.EqualTo(100));
            Assert.That(root.GetProperty("rate_limits").GetProperty("prompts_per_day").GetInt32(), Is.EqualTo(1000));
            Assert.That(root.GetProperty("rate_limits").GetProperty("config_changes_per_hour").GetInt32(), Is.EqualTo(10));
        });
    }

    [Test]
    public async Task StatusWritesNothing()
    {
        harness = new QuotaHarness();
        harness.WithProfile(Profiles.Make(1, "Free", input: 10, isDefault: true));

        await harness.Checker.GetStatusAsync(User);

        harness.VerifyNoWrites();
    }
}
