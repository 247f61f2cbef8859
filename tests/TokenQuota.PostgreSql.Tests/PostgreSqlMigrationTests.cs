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
    public async Task AVersion3SchemaKeepsItsPromptCountsWhenThePromptWindowsMoveToOneRowPerUser()
    {
        // A schema as version 3 left it: each prompt window a row of tokenquota_rate_windows. Alice has used 2 of the
        // Free profile's 3 prompts this hour and 4 of today's 10; Bob's counters are from an earlier hour and day.
        await StartAsync();
        var now = Clock.GetUtcNow().ToUnixTimeSeconds();
        var hour = now - (now % 3600);
        var day = now - (now % 86400);
        Execute($"""
            DROP VIEW tokenquota_rate_windows;
            DROP TABLE tokenquota_prompt_windows;
            ALTER TABLE tokenquota_keyed_rate_windows RENAME TO tokenquota_rate_windows;
            DELETE FROM tokenquota_schema_version WHERE version = 4;
            UPDATE consumption_profiles SET prompts_per_hour = 3, prompts_per_day = 10 WHERE name = 'Free';
            UPDATE tokenquota_state SET value = value + 1 WHERE key = 'config_version';
            INSERT INTO tokenquota_rate_windows (user_id, window_key, window_start, request_count) VALUES
                ('alice', 'prompts_hourly', {hour}, 2), ('alice', 'prompts_daily', {day}, 4), ('alice', 'config_hourly', {hour}, 1),
                ('bob', 'prompts_hourly', {hour - 3600}, 3), ('bob', 'prompts_daily', {day - 86400}, 5);
            """);

        var rates = BuildServices().GetRequiredService<IRateLimitPolicy>();
        var alice = await rates.AcquirePromptAsync("alice");
        var aliceAgain = await rates.AcquirePromptAsync("alice");
        var bob = await rates.AcquirePromptAsync("bob");

        Assert.Multiple(() =>
        {
            Assert.That(Scalar<long>("SELECT MAX(version) FROM tokenquota_schema_version;"), Is.EqualTo(PostgreSqlQuotaStore.LatestSchemaVersion));
            Assert.That((alice.IsAllowed, alice.Window, alice.Remaining), Is.EqualTo((true, (RateLimitWindow?)RateLimitWindow.PromptsPerHour, (int?)0)), "the hour's third prompt");
            Assert.That((aliceAgain.IsAllowed, aliceAgain.Window), Is.EqualTo((false, (RateLimitWindow?)RateLimitWindow.PromptsPerHour)), "a fourth in the hour is refused");
            Assert.That(bob.IsAllowed, Is.True, "an earlier hour's and day's counts do not count");
            Assert.That(
                Rows("SELECT user_id, hour_count, day_count FROM tokenquota_prompt_windows ORDER BY user_id;").Select(r => $"{r["user_id"]} {r["hour_count"]} {r["day_count"]}"),
                Is.EqualTo(new[] { "alice 3 5", "bob 1 1" }));
            Assert.That(
                Rows("SELECT user_id, window_key, request_count FROM tokenquota_keyed_rate_windows;").Select(r => $"{r["user_id"]} {r["window_key"]} {r["request_count"]}"),
                Is.EqualTo(new[] { "alice config_hourly 1" }),
                "only the other windows stay in the table of windows by key");
            Assert.That(
                Rows("SELECT user_id, window_key, request_count FROM tokenquota_rate_windows ORDER BY user_id, window_key;").Select(r => $"{r["user_id"]} {r["window_key"]} {r["request_count"]}"),
                Is.EqualTo(new[] { "alice config_hourly 1", "alice prompts_daily 5", "alice prompts_hourly 3", "bob prompts_daily 1", "bob prompts_hourly 1" }),
                "the view shows every window, one row per user and key, as the table did");
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

    [Test]
    public async Task A_schema_holding_the_seed_tables_is_refused_with_the_import_command_and_nothing_is_created()
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
