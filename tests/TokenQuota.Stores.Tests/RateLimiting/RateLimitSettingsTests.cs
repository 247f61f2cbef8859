using System.Text.Json;

namespace TokenQuota.Stores.Tests;

/// <summary>
/// Issue 18, rate-limit settings at run time: <c>Enabled</c> and <c>GlobalOverride</c> kept in the store's
/// <c>tokenquota_state</c>, audited, and applied by every store instance on the same database at its next
/// configuration-version read; the start-up options are only the defaults of a database that stores none.
/// </summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class RateLimitSettingsTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    private const string SettingsRows = "SELECT key, value FROM tokenquota_state WHERE key LIKE 'rate_limit_%' ORDER BY key;";

    [Test]
    public async Task ADatabaseThatStoresNoSettingsUsesTheStartUpOptionsAndStoresNothingOnItsOwn()
    {
        var services = await StartAsync(o =>
        {
            o.RateLimits.Enabled = false;
            o.RateLimits.GlobalOverride = true;
        });

        var settings = await services.Profiles.GetRateLimitSettingsAsync();

        Assert.Multiple(() =>
        {
            Assert.That(settings, Is.EqualTo(new RateLimitSettings { Enabled = false, GlobalOverride = true }));
            Assert.That(Rows(SettingsRows), Is.Empty);
        });
    }

    [Test]
    public async Task TheFirstChangeStoresBothValuesAndANewStoreInstanceReadsThemWhateverItsOptionsSay()
    {
        var first = await StartAsync();
        var changed = await first.Profiles.UpdateRateLimitSettingsAsync(new RateLimitSettingsUpdate { GlobalOverride = true }, actor: "admin");
        await first.Provider.DisposeAsync();
        Backend.ReleaseConnections();

        // A restarted process with other start-up options: the database decides.
        var restarted = await StartAsync(o =>
        {
            o.RateLimits.Enabled = false;
            o.RateLimits.GlobalOverride = false;
        });
        var read = await restarted.Profiles.GetRateLimitSettingsAsync();

        Assert.Multiple(() =>
        {
            Assert.That(changed, Is.EqualTo(new RateLimitSettings { Enabled = true, GlobalOverride = true }));
            Assert.That(read, Is.EqualTo(changed));
            Assert.That(Rows(SettingsRows).Select(r => $"{r["key"]}={r["value"]}"), Is.EqualTo(new[] { "rate_limit_enabled=1", "rate_limit_global_override=1" }));
        });
    }

    [Test]
    public async Task AChangeMadeThroughAnotherStoreInstanceReachesThisInstancesRateLimitingWithoutARestart()
    {
        var admin = await StartAsync();
        var worker = await StartAsync(o => o.RateLimits.DefaultPromptsPerHour = 3);
        var profile = await admin.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Tight", PromptsPerHour = 1, PromptsPerDay = 100 });
        await admin.Profiles.AssignAsync("user-1", profile.Id);

        var underProfile = new[] { await worker.Rates.AcquirePromptAsync("user-1"), await worker.Rates.AcquirePromptAsync("user-1") };

        await admin.Profiles.UpdateRateLimitSettingsAsync(new RateLimitSettingsUpdate { Enabled = false });
        var disabled = new[] { await worker.Rates.AcquirePromptAsync("user-1"), await worker.Rates.AcquirePromptAsync("user-1") };

        // Emergency mode: the worker's system defaults (3/hour) replace the profile's 1/hour; one prompt is counted already.
        await admin.Profiles.UpdateRateLimitSettingsAsync(new RateLimitSettingsUpdate { Enabled = true, GlobalOverride = true });
        var overridden = new[] { await worker.Rates.AcquirePromptAsync("user-1"), await worker.Rates.AcquirePromptAsync("user-1"), await worker.Rates.AcquirePromptAsync("user-1") };

        await admin.Profiles.UpdateRateLimitSettingsAsync(new RateLimitSettingsUpdate { GlobalOverride = false });
        var backToProfile = await worker.Rates.AcquirePromptAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(underProfile.Select(d => d.IsAllowed), Is.EqualTo(new[] { true, false }));
            Assert.That(disabled.Select(d => d.IsAllowed), Is.All.True);
            Assert.That(disabled.Select(d => d.Limit), Is.All.Null);
            Assert.That(overridden.Select(d => d.IsAllowed), Is.EqualTo(new[] { true, true, false }));
            Assert.That(overridden.Select(d => d.Limit), Is.All.EqualTo(3));
            Assert.That(backToProfile.IsAllowed, Is.False);
            Assert.That(backToProfile.Limit, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task StoredDisabledAdmitsEveryAttemptAndCountsNothingAndStatusShowsNoRateLimits()
    {
        var services = await StartAsync();
        var profile = await services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Tight", PromptsPerHour = 1, PromptsPerDay = 1, ConfigChangesPerHour = 1 });
        await services.Profiles.AssignAsync("user-1", profile.Id);
        await services.Profiles.UpdateRateLimitSettingsAsync(new RateLimitSettingsUpdate { Enabled = false });

        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < 5; i++)
        {
            decisions.Add(await services.Rates.AcquirePromptAsync("user-1"));
            decisions.Add(await services.Rates.AcquireConfigChangeAsync("user-1"));
        }

        var status = await services.Checker.GetStatusAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(decisions.Select(d => d.IsAllowed), Is.All.True);
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_rate_windows;"), Is.Zero);
            Assert.That(status.RateLimits, Is.EqualTo(new QuotaRateLimitsStatus()));
        });
    }

    [Test]
    public async Task StoredGlobalOverrideAppliesTheSystemDefaultsToEveryoneInRateLimitingAndStatus()
    {
        var services = await StartAsync(o =>
        {
            o.RateLimits.DefaultPromptsPerHour = 2;
            o.RateLimits.DefaultPromptsPerDay = 20;
            o.RateLimits.DefaultConfigChangesPerHour = 1;
        });
        var unlimitedId = await ProfileIdAsync(services.Profiles, "Unlimited");
        await services.Profiles.AssignAsync("user-1", unlimitedId);
        await services.Profiles.UpdateRateLimitSettingsAsync(new RateLimitSettingsUpdate { GlobalOverride = true });

        var prompts = new[] { await services.Rates.AcquirePromptAsync("user-1"), await services.Rates.AcquirePromptAsync("user-1"), await services.Rates.AcquirePromptAsync("user-1") };
        var configs = new[] { await services.Rates.AcquireConfigChangeAsync("user-1"), await services.Rates.AcquireConfigChangeAsync("user-1") };
        var status = await services.Checker.GetStatusAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(prompts.Select(d => d.IsAllowed), Is.EqualTo(new[] { true, true, false }));
            Assert.That(prompts[2].Limit, Is.EqualTo(2));
            Assert.That(configs.Select(d => d.IsAllowed), Is.EqualTo(new[] { true, false }));
            Assert.That(status.ProfileName, Is.EqualTo("Unlimited"));
            Assert.That(status.RateLimits, Is.EqualTo(new QuotaRateLimitsStatus { PromptsPerHour = 2, PromptsPerDay = 20, ConfigChangesPerHour = 1 }));
        });
    }

    [Test]
    public async Task EveryChangeIsAuditedWithBeforeAndAfterAndMovesTheConfigurationVersionAnUnchangedOneWritesNothing()
    {
        var services = await StartAsync();
        var versionBefore = await services.Store.GetConfigurationVersionAsync();

        await services.Profiles.UpdateRateLimitSettingsAsync(new RateLimitSettingsUpdate { Enabled = false }, actor: "ops");
        var versionAfter = await services.Store.GetConfigurationVersionAsync();
        var auditAfterChange = AuditCount();
        var unchanged = await services.Profiles.UpdateRateLimitSettingsAsync(new RateLimitSettingsUpdate { Enabled = false, GlobalOverride = false }, actor: "ops");
        var versionAfterUnchanged = await services.Store.GetConfigurationVersionAsync();

        var page = await services.Profiles.QueryAuditLogAsync(new QuotaAuditQuery { Action = QuotaAuditActions.RateLimitSettingsUpdated });
        var entry = page.Items.Single();

        Assert.Multiple(() =>
        {
            Assert.That(versionAfter, Is.EqualTo(versionBefore + 1));
            Assert.That(unchanged, Is.EqualTo(new RateLimitSettings { Enabled = false, GlobalOverride = false }));
            Assert.That(AuditCount(), Is.EqualTo(auditAfterChange), "an unchanged update writes no audit entry");
            Assert.That(versionAfterUnchanged, Is.EqualTo(versionAfter), "nor moves the version");
            Assert.That(entry.Actor, Is.EqualTo("ops"));
            Assert.That(entry.Target, Is.EqualTo("rate_limit_settings"));
            Assert.That(JsonDocument.Parse(entry.Before!).RootElement.GetProperty("rate_limit_enabled").GetBoolean(), Is.True);
            Assert.That(JsonDocument.Parse(entry.After!).RootElement.GetProperty("rate_limit_enabled").GetBoolean(), Is.False);
            Assert.That(JsonDocument.Parse(entry.After!).RootElement.GetProperty("rate_limit_global_override").GetBoolean(), Is.False);
        });
    }

    [Test]
    public async Task SavingTheStartUpDefaultsUnchangedStoresThemOnce()
    {
        var services = await StartAsync();

        var saved = await services.Profiles.UpdateRateLimitSettingsAsync(new RateLimitSettingsUpdate { Enabled = true });
        var again = await services.Profiles.UpdateRateLimitSettingsAsync(new RateLimitSettingsUpdate { Enabled = true });

        Assert.Multiple(() =>
        {
            Assert.That(saved, Is.EqualTo(new RateLimitSettings { Enabled = true, GlobalOverride = false }));
            Assert.That(again, Is.EqualTo(saved));
            Assert.That(Rows(SettingsRows), Has.Count.EqualTo(2));
            Assert.That(AuditCount(), Is.EqualTo(1), "the first save pins the defaults (audited), the second changes nothing");
        });
    }

    [Test]
    public async Task AChangeWhoseAuditEntryFailsStoresNothing()
    {
        var services = await StartAsync();
        Backend.FailOn("tokenquota_audit_log", "INSERT", "injected audit failure");

        var failure = await Assert.ThrowsAsync<TokenQuotaStoreException>(() => services.Profiles.UpdateRateLimitSettingsAsync(new RateLimitSettingsUpdate { Enabled = false }));

        var read = await services.Profiles.GetRateLimitSettingsAsync();

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Message, Does.Contain("injected audit failure"));
            Assert.That(Rows(SettingsRows), Is.Empty, "the settings were rolled back with the audit entry");
            Assert.That(read.Enabled, Is.True);
        });
    }
}
