using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenQuota.Stores.Tests;

/// <summary>DESIGN §3 "Quota status": the figures and the seed's JSON shape, read through the real store.</summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class QuotaStatusTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    [Test]
    public async Task ProUserStatusMatchesTheSeedExample()
    {
        var services = await StartAsync();
        var proId = await ProfileIdAsync(services.Profiles, "Pro");
        await services.Profiles.AssignAsync("user-1", proId);
        await services.Checker.RecordAsync("user-1", 45_230, 23_150);

        var status = await services.Checker.GetStatusAsync("user-1");
        var json = JsonNode.Parse(JsonSerializer.Serialize(status))!;

        Assert.Multiple(() =>
        {
            Assert.That((bool)json["has_quota"]!, Is.True);
            Assert.That((string)json["period"]!, Is.EqualTo("2025-12"));
            Assert.That((string)json["profile_name"]!, Is.EqualTo("Pro"));
            Assert.That((long)json["profile_id"]!, Is.EqualTo(proId));
            Assert.That((long)json["input_tokens"]!["limit"]!, Is.EqualTo(500_000));
            Assert.That((long)json["input_tokens"]!["used"]!, Is.EqualTo(45_230));
            Assert.That((long)json["input_tokens"]!["remaining"]!, Is.EqualTo(454_770));
            Assert.That((double)json["input_tokens"]!["percentage_used"]!, Is.EqualTo(9.0));
            Assert.That((long)json["output_tokens"]!["limit"]!, Is.EqualTo(250_000));
            Assert.That((long)json["output_tokens"]!["used"]!, Is.EqualTo(23_150));
            Assert.That((long)json["output_tokens"]!["remaining"]!, Is.EqualTo(226_850));
            Assert.That((double)json["output_tokens"]!["percentage_used"]!, Is.EqualTo(9.3));
            Assert.That((int)json["rate_limits"]!["prompts_per_hour"]!, Is.EqualTo(200));
            Assert.That((int)json["rate_limits"]!["prompts_per_day"]!, Is.EqualTo(2000));
            Assert.That((int)json["rate_limits"]!["config_changes_per_hour"]!, Is.EqualTo(20));
        });
    }

    [Test]
    public async Task RemainingNeverGoesNegativeAndPercentageIsCappedAt100()
    {
        var services = await StartAsync();
        await services.Checker.RecordAsync("user-1", 150_000, 12_345);

        var status = await services.Checker.GetStatusAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(status.ProfileName, Is.EqualTo("Free"));
            Assert.That(status.InputTokens, Is.EqualTo(new QuotaTokenStatus { Limit = 100_000, Used = 150_000, Remaining = 0, PercentageUsed = 100 }));
            Assert.That(status.OutputTokens, Is.EqualTo(new QuotaTokenStatus { Limit = 50_000, Used = 12_345, Remaining = 37_655, PercentageUsed = 24.7 }));
            Assert.That(status.ResetsAt, Is.EqualTo(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        });
    }

    [Test]
    public async Task ALimitOfZeroReads100PercentAndANullLimitReadsRemainingNullAndZeroPercent()
    {
        var services = await StartAsync();
        var mixed = await services.Profiles.CreateAsync(new NewConsumptionProfile
        {
            Name = "Mixed",
            PromptsPerHour = 7,
            PromptsPerDay = 70,
            ConfigChangesPerHour = 1,
            InputTokensPerMonth = 0,
            OutputTokensPerMonth = null,
        });
        await services.Profiles.AssignAsync("user-1", mixed.Id);
        await services.Checker.RecordAsync("user-1", 0, 999);

        var status = await services.Checker.GetStatusAsync("user-1");
        var json = JsonNode.Parse(JsonSerializer.Serialize(status))!;

        Assert.Multiple(() =>
        {
            Assert.That(status.HasQuota, Is.True);
            Assert.That(status.ProfileName, Is.EqualTo("Mixed"));
            Assert.That(status.InputTokens, Is.EqualTo(new QuotaTokenStatus { Limit = 0, Used = 0, Remaining = 0, PercentageUsed = 100 }));
            Assert.That(status.OutputTokens, Is.EqualTo(new QuotaTokenStatus { Limit = null, Used = 999, Remaining = null, PercentageUsed = 0 }));
            Assert.That(status.RateLimits, Is.EqualTo(new QuotaRateLimitsStatus { PromptsPerHour = 7, PromptsPerDay = 70, ConfigChangesPerHour = 1 }));
            Assert.That(json["output_tokens"]!.AsObject().ContainsKey("limit"), Is.True);
            Assert.That(json["output_tokens"]!["limit"], Is.Null);
            Assert.That(json["output_tokens"]!["remaining"], Is.Null);
        });
    }

    [Test]
    public async Task AUserWithNoProfileAtAllHasNoQuotaAndTheSystemDefaultRateLimits()
    {
        var services = await StartAsync();
        await RemoveDefaultAsync(services.Profiles);
        Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles WHERE is_default;"), Is.Zero);
        await services.Checker.RecordAsync("nobody", 1_000, 2_000);

        var status = await services.Checker.GetStatusAsync("nobody");
        var json = JsonNode.Parse(JsonSerializer.Serialize(status))!;

        Assert.Multiple(() =>
        {
            Assert.That(status.HasQuota, Is.False);
            Assert.That(status.ProfileName, Is.Null);
            Assert.That(status.ProfileId, Is.Null);
            Assert.That(status.InputTokens, Is.EqualTo(new QuotaTokenStatus { Limit = null, Used = 1_000, Remaining = null, PercentageUsed = 0 }));
            Assert.That(status.OutputTokens, Is.EqualTo(new QuotaTokenStatus { Limit = null, Used = 2_000, Remaining = null, PercentageUsed = 0 }));
            Assert.That(status.RateLimits, Is.EqualTo(new QuotaRateLimitsStatus { PromptsPerHour = 100, PromptsPerDay = 1000, ConfigChangesPerHour = 10 }));
            Assert.That((bool)json["has_quota"]!, Is.False);
            Assert.That(json["profile_name"], Is.Null);
            Assert.That((int)json["rate_limits"]!["prompts_per_hour"]!, Is.EqualTo(100));
        });
    }

    [Test]
    public async Task AUserWhoseAssignedProfileIsInactiveAndWithoutADefaultHasNoProfile()
    {
        var services = await StartAsync();
        var proId = await ProfileIdAsync(services.Profiles, "Pro");
        await services.Profiles.AssignAsync("user-1", proId);
        await RemoveDefaultAsync(services.Profiles);
        await services.Profiles.UpdateAsync(proId, new ConsumptionProfileUpdate { IsActive = false });

        var status = await services.Checker.GetStatusAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(status.HasQuota, Is.False);
            Assert.That(status.RateLimits.PromptsPerHour, Is.EqualTo(100));
        });
    }

    [Test]
    public async Task StatusReflectsAnAssignmentMadeByAnotherServiceProviderOnTheSameFile()
    {
        var services = await StartAsync();
        Assert.That((await services.Checker.GetStatusAsync("user-1")).ProfileName, Is.EqualTo("Free"));

        var admin = await StartAsync();
        await admin.Profiles.AssignAsync("user-1", await ProfileIdAsync(admin.Profiles, "Enterprise"));

        Assert.That((await services.Checker.GetStatusAsync("user-1")).ProfileName, Is.EqualTo("Enterprise"));
    }
}
