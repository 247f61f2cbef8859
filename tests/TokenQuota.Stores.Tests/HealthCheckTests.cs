using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenQuota.HealthChecks;
using TokenQuota.Storage;

namespace TokenQuota.Stores.Tests;

/// <summary>
/// Issue 20 "Health checks", on each store: Healthy when the store answers at the expected schema, Degraded when the
/// database is older (and the check migrates nothing), Unhealthy when it is newer; tagged for readiness.
/// </summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class HealthCheckTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    [Test]
    public async Task AMigratedStoreIsHealthyAndTheEntryIsTaggedForReadiness()
    {
        var provider = BuildWithHealthChecks(autoMigrate: true);
        await provider.GetRequiredService<IQuotaStore>().MigrateAsync();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = report.Entries["tokenquota"];
        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(HealthStatus.Healthy), entry.Description);
            Assert.That(entry.Tags, Is.EquivalentTo(new[] { "tokenquota", "ready" }));
            Assert.That(entry.Data["schema_version"], Is.EqualTo((long)Backend.LatestSchemaVersion));
            Assert.That(entry.Data["expected_schema_version"], Is.EqualTo((long)Backend.LatestSchemaVersion));
            Assert.That(entry.Data["store"], Is.EqualTo(Backend is SqliteBackend ? "sqlite" : "postgresql"));
        });
    }

    [Test]
    public async Task AnUnmigratedDatabaseIsDegradedAndTheCheckMigratesNothing()
    {
        var provider = BuildWithHealthChecks(autoMigrate: false);

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var again = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = again.Entries["tokenquota"];
        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(HealthStatus.Degraded), report.Entries["tokenquota"].Description);
            Assert.That(again.Status, Is.EqualTo(HealthStatus.Degraded), "the first check migrated nothing");
            Assert.That(entry.Data["schema_version"], Is.EqualTo(0L));
            Assert.That(entry.Description, Does.Contain("older than this build expects").And.Contain("tokenquota migrate"));
        });
    }

    [Test]
    public async Task ASchemaNewerThanThisBuildIsUnhealthy()
    {
        var provider = BuildWithHealthChecks(autoMigrate: true);
        await provider.GetRequiredService<IQuotaStore>().MigrateAsync();
        Execute("INSERT INTO tokenquota_schema_version (version, description, applied_at) VALUES (999, 'from the future', 0);");

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = report.Entries["tokenquota"];
        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(HealthStatus.Unhealthy));
            Assert.That(entry.Description, Does.Contain("version 999").And.Contain("newer than this build knows"));
        });
    }

    [Test]
    public void BadOptionsAreRefusedWhenTheCheckIsAdded()
    {
        var builder = new ServiceCollection().AddHealthChecks();

        Assert.Multiple(() =>
        {
            Assert.That(() => builder.AddTokenQuotaHealthChecks(o => o.Name = " "), Throws.ArgumentException.With.Message.Contains("needs a name"));
            Assert.That(() => builder.AddTokenQuotaHealthChecks(o => o.Timeout = TimeSpan.Zero), Throws.ArgumentException.With.Message.Contains("timeout must be more than zero"));
        });
    }

    [Test]
    public async Task NameTimeoutAndTagsCanBeChosen()
    {
        var provider = BuildServices(services: s => s.AddLogging().AddHealthChecks().AddTokenQuotaHealthChecks(o =>
        {
            o.Name = "quota-store";
            o.Tags.Remove(TokenQuotaHealthCheckOptions.ReadyTag);
            o.Tags.Add("db");
        }));
        await provider.GetRequiredService<IQuotaStore>().MigrateAsync();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("db"));

        Assert.That(report.Entries.Keys, Is.EqualTo(new[] { "quota-store" }));
        Assert.That(report.Entries["quota-store"].Tags, Is.EquivalentTo(new[] { "tokenquota", "db" }));
    }

    private ServiceProvider BuildWithHealthChecks(bool autoMigrate) =>
        BuildServices(services: s => s.AddLogging().AddHealthChecks().AddTokenQuotaHealthChecks(), autoMigrate: autoMigrate);
}
