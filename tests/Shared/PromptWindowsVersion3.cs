namespace TokenQuota.Testing;

/// <summary>
/// The scenario of each store's migration 4 (a user's prompt windows in one row), shared by the SQLite and PostgreSQL
/// migration tests: a schema as version 3 left it, each prompt window a row of <c>tokenquota_rate_windows</c>. Alice
/// has used 2 of the Free profile's 3 prompts this hour and 4 of today's 10; Bob's counters are from an earlier hour and day.
/// </summary>
public static class PromptWindowsVersion3
{
    /// <summary>The SQL that takes a migrated schema's rate windows back to version 3 and stores the scenario's counters.</summary>
    public static string Setup(DateTimeOffset now)
    {
        var seconds = now.ToUnixTimeSeconds();
        var hour = seconds - (seconds % 3600);
        var day = seconds - (seconds % 86400);
        return $"""
            DROP VIEW tokenquota_rate_windows;
            DROP TABLE tokenquota_prompt_windows;
            ALTER TABLE tokenquota_keyed_rate_windows RENAME TO tokenquota_rate_windows;
            DELETE FROM tokenquota_schema_version WHERE version = 4;
            UPDATE consumption_profiles SET prompts_per_hour = 3, prompts_per_day = 10 WHERE name = 'Free';
            UPDATE tokenquota_state SET value = value + 1 WHERE key = 'config_version';
            INSERT INTO tokenquota_rate_windows (user_id, window_key, window_start, request_count) VALUES
                ('alice', 'prompts_hourly', {hour}, 2), ('alice', 'prompts_daily', {day}, 4), ('alice', 'config_hourly', {hour}, 1),
                ('bob', 'prompts_hourly', {hour - 3600}, 3), ('bob', 'prompts_daily', {day - 86400}, 5);
            """;
    }

    /// <summary>Takes prompts on the migrated store and asserts the counts were kept and the windows moved.</summary>
    /// <param name="rates">The rate-limit policy of a store that migrates on first use.</param>
    /// <param name="rows">Reads rows with raw SQL.</param>
    /// <param name="schemaVersion">Reads the schema's version.</param>
    /// <param name="latestSchemaVersion">The store's latest schema version.</param>
    /// <returns>A task that completes when the assertions have run.</returns>
    public static async Task AcquireAndAssertAsync(
        IRateLimitPolicy rates, Func<string, List<Dictionary<string, object?>>> rows, Func<long> schemaVersion, int latestSchemaVersion)
    {
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(schemaVersion);
        var alice = await rates.AcquirePromptAsync("alice");
        var aliceAgain = await rates.AcquirePromptAsync("alice");
        var bob = await rates.AcquirePromptAsync("bob");

        Assert.Multiple(() =>
        {
            Assert.That(schemaVersion(), Is.EqualTo(latestSchemaVersion));
            Assert.That((alice.IsAllowed, alice.Window, alice.Remaining), Is.EqualTo((true, (RateLimitWindow?)RateLimitWindow.PromptsPerHour, (int?)0)), "the hour's third prompt");
            Assert.That((aliceAgain.IsAllowed, aliceAgain.Window), Is.EqualTo((false, (RateLimitWindow?)RateLimitWindow.PromptsPerHour)), "a fourth in the hour is refused");
            Assert.That(bob.IsAllowed, Is.True, "an earlier hour's and day's counts do not count");
            Assert.That(
                rows("SELECT user_id, hour_count, day_count FROM tokenquota_prompt_windows ORDER BY user_id;").Select(r => $"{r["user_id"]} {r["hour_count"]} {r["day_count"]}"),
                Is.EqualTo(new[] { "alice 3 5", "bob 1 1" }));
            Assert.That(
                rows("SELECT user_id, window_key, request_count FROM tokenquota_keyed_rate_windows;").Select(r => $"{r["user_id"]} {r["window_key"]} {r["request_count"]}"),
                Is.EqualTo(new[] { "alice config_hourly 1" }),
                "only the other windows stay in the table of windows by key");
            Assert.That(
                rows("SELECT user_id, window_key, request_count FROM tokenquota_rate_windows ORDER BY user_id, window_key;").Select(r => $"{r["user_id"]} {r["window_key"]} {r["request_count"]}"),
                Is.EqualTo(new[] { "alice config_hourly 1", "alice prompts_daily 5", "alice prompts_hourly 3", "bob prompts_daily 1", "bob prompts_hourly 1" }),
                "the view shows every window, one row per user and key, as the table did");
        });
    }
}
