using Microsoft.Extensions.DependencyInjection;
using TokenQuota.PostgreSql;
using TokenQuota.Storage;

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
    public async Task AVersion3SchemaKeepsItsPromptCountsWhenThePromptWindowsMoveToOneRowPerUser()
    {
        await StartAsync();
        Execute("DELETE FROM tokenquota_schema_version WHERE version = 8; DROP TABLE tokenquota_subject_holds; DROP TABLE tokenquota_team_members; DROP TABLE tokenquota_teams; DROP TABLE tokenquota_organisations; DELETE FROM tokenquota_schema_version WHERE version = 7; DROP TABLE tokenquota_model_prices; DROP TABLE tokenquota_model_usage; DELETE FROM tokenquota_schema_version WHERE version = 6; DROP TABLE tokenquota_profile_limits; DROP TABLE tokenquota_limit_counters; DROP TABLE tokenquota_limit_holds; DELETE FROM tokenquota_schema_version WHERE version = 5;");
        Execute(PromptWindowsVersion3.Setup(Clock.GetUtcNow()));

        await PromptWindowsVersion3.AcquireAndAssertAsync(
            BuildServices().GetRequiredService<IRateLimitPolicy>(),
            Rows,
            () => Scalar<long>("SELECT MAX(version) FROM tokenquota_schema_version;"),
            PostgreSqlQuotaStore.LatestSchemaVersion);
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

    [Test]
    public async Task ASchemaHoldingTheSeedTablesIsRefusedWithTheImportCommandAndNothingIsCreated()
    {
        await ScalarAsync<int>($"CREATE SCHEMA {Schema}; CREATE TABLE {Schema}.consumption_profiles (id INTEGER PRIMARY KEY, name TEXT); SELECT 1;");

        var refused = await Assert.ThrowsAsync<SeedDatabaseException>(() => BuildServices().GetRequiredService<IQuotaStore>().MigrateAsync());

        Assert.Multiple(async () =>
        {
            Assert.That(refused!.Message, Does.Contain("tokenquota import-seed").And.Contain(Schema));
            Assert.That(
                await ScalarAsync<long>("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = @Schema;", new { Schema }),
                Is.EqualTo(1),
                "only the seed's table is there");
        });
    }
}
