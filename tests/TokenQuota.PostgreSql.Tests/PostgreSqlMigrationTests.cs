using Microsoft.Extensions.DependencyInjection;
using TokenQuota.PostgreSql;

namespace TokenQuota.PostgreSql.Tests;

public class PostgreSqlMigrationTests : PostgresTestDatabase
{
    [Test]
    public async Task ConcurrentMigratorsSerialiseOnTheAdvisoryLockAndSeedOnce()
    {
        var stores = Enumerable.Range(0, 8).Select(_ => BuildServices().GetRequiredService<IQuotaStore>()).ToArray();

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync())));

        Assert.Multiple(async () =>
        {
            Assert.That(await ScalarAsync<long>("SELECT COUNT(*) FROM consumption_profiles;"), Is.EqualTo(4));
            Assert.That(await ScalarAsync<long>("SELECT COUNT(*) FROM consumption_profiles WHERE is_default;"), Is.EqualTo(1));
            Assert.That(await ScalarAsync<string>("SELECT name FROM consumption_profiles WHERE is_default;"), Is.EqualTo("Free"));
            Assert.That(await ScalarAsync<long>("SELECT COUNT(*) FROM tokenquota_schema_version;"), Is.EqualTo(PostgreSqlQuotaStore.LatestSchemaVersion));
        });
    }

    [Test]
    public async Task SeedsTheSeedsProfilesExactlyAndADeletedProfileStaysDeleted()
    {
        var first = BuildServices();
        var profiles = first.GetRequiredService<IConsumptionProfileManager>();
        var list = await profiles.ListAsync();
        var pro = list.Single(p => p.Name == "Pro");
        await profiles.DeleteAsync(list.Single(p => p.Name == "Enterprise").Id);

        var restarted = BuildServices();
        await restarted.GetRequiredService<IQuotaStore>().MigrateAsync();
        var after = await restarted.GetRequiredService<IConsumptionProfileManager>().ListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(list.Select(p => (p.Name, p.PromptsPerHour, p.PromptsPerDay, p.ConfigChangesPerHour, p.InputTokensPerMonth, p.OutputTokensPerMonth, p.IsDefault)), Is.EqualTo(new[]
            {
                ("Free", 50, 500, 5, (long?)100_000, (long?)50_000, true),
                ("Enterprise", 500, 5000, 50, 2_000_000, 1_000_000, false),
                ("Pro", 200, 2000, 20, 500_000, 250_000, false),
                ("Unlimited", 1000, 10000, 100, null, null, false),
            }));
            Assert.That(pro.IsActive, Is.True);
            Assert.That(after.Select(p => p.Name), Is.EqualTo(new[] { "Free", "Pro", "Unlimited" }));
        });
    }

    [Test]
    public async Task ASchemaMigratedByANewerVersionIsRefused()
    {
        var provider = BuildServices();
        await provider.GetRequiredService<IQuotaStore>().MigrateAsync();
        await ScalarAsync<int>("INSERT INTO tokenquota_schema_version (version, description, applied_at) VALUES (99, 'from the future', 0);");
        var snapshot = await SnapshotAsync();

        var error = await Assert.ThrowsAsync<TokenQuotaStoreException>(() => BuildServices().GetRequiredService<IQuotaStore>().MigrateAsync());

        Assert.Multiple(async () =>
        {
            Assert.That(error!.Message, Does.Contain("99").And.Contain(Schema));
            Assert.That(await SnapshotAsync(), Is.EqualTo(snapshot));
        });
    }

    [Test]
    public void BadOptionsAreRefusedWithAClearMessage()
    {
        var services = new ServiceCollection();
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => services.AddTokenQuotas().UsePostgreSql(""));
            Assert.That(
                Assert.Throws<ArgumentException>(() => services.AddTokenQuotas().UsePostgreSql("Host=x", o => o.Schema = "Bad-Schema; DROP"))!.Message,
                Does.Contain("Bad-Schema"));
            Assert.Throws<ArgumentOutOfRangeException>(() => services.AddTokenQuotas().UsePostgreSql("Host=x", o => o.CommandTimeout = TimeSpan.Zero));
        });
    }
}
