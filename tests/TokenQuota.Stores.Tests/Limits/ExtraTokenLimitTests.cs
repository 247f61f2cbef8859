namespace TokenQuota.Stores.Tests;

[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class ExtraTokenLimitTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    private async Task<(Services S, long ProfileId)> MeteredAsync(params string[] limits)
    {
        var s = await StartAsync();
        var profile = await s.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Metered", Limits = [.. limits.Select(QuotaLimit.Parse)] });
        await s.Profiles.AssignAsync("alice", profile.Id);
        return (s, profile.Id);
    }

    [Test]
    public async Task APerModelTokensPerMinuteLimitRefusesThatModelOnlyNamingItsFiguresAndTheExactWait()
    {
        var (s, _) = await MeteredAsync("total_tokens/minute=300@gpt-4o*");
        Clock.SetUtcNow(Start.AddSeconds(15));
        await s.Checker.RecordForModelAsync("alice", 100, 100, "gpt-4o-mini");

        var refused = await s.Checker.CheckForModelAsync("alice", 100, 50, "gpt-4o");
        var otherModel = await s.Checker.CheckForModelAsync("alice", 100, 50, "claude-3-haiku");
        var fits = await s.Checker.CheckForModelAsync("alice", 60, 40, "gpt-4o");
        Clock.SetUtcNow(Start.AddMinutes(1));
        var nextMinute = await s.Checker.CheckForModelAsync("alice", 100, 50, "gpt-4o");

        Assert.Multiple(() =>
        {
            Assert.That(refused.IsAllowed, Is.False);
            Assert.That(refused.BindingLimit, Is.EqualTo(QuotaLimit.Parse("total_tokens/minute=300@gpt-4o*")));
            Assert.That(refused.Message, Is.EqualTo("Per-minute total token quota for model 'gpt-4o*' exceeded. Limit: 300, used: 200, requested: 150."));
            Assert.That(refused.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(45)), "the fixed minute ends 45 s later");
            Assert.That(refused.ResetsAt, Is.EqualTo(Start.AddMinutes(1)));
            Assert.That(otherModel.IsAllowed, Is.True, "the limit is for gpt-4o* only");
            Assert.That(fits.IsAllowed, Is.True, "200 + 100 lands exactly on the limit");
            Assert.That(nextMinute.IsAllowed, Is.True, "a new minute counts from zero");
        });
    }

    [Test]
    public async Task ARecordIsCountedInTheSameStepAsTheMonthlyTotalsAndNeverLostUnderConcurrency()
    {
        var (s, _) = await MeteredAsync("input_tokens/day=1000000", "output_tokens/hour=1000000@m*");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await s.Checker.RecordForModelAsync("alice", 3, 2, "m1");
            }
        })));

        Assert.Multiple(() =>
        {
            Assert.That(Scalar<long>("SELECT count FROM tokenquota_limit_counters WHERE user_id = 'alice' AND limit_key = 'input_tokens/day';"), Is.EqualTo(600));
            Assert.That(Scalar<long>("SELECT count FROM tokenquota_limit_counters WHERE user_id = 'alice' AND limit_key = 'output_tokens/hour@m*';"), Is.EqualTo(400));
            Assert.That(Scalar<long>("SELECT input_tokens_used FROM user_token_usage WHERE user_id = 'alice';"), Is.EqualTo(600));
        });
    }

    [Test]
    public async Task ANewAmountAppliesAtOnceToTheUsageAlreadyCounted()
    {
        var (s, id) = await MeteredAsync("input_tokens/day=1000");
        await s.Checker.RecordForModelAsync("alice", 600, 0, null);

        var before = await s.Checker.CheckForModelAsync("alice", 300, 0, null);
        await s.Profiles.UpdateAsync(id, new ConsumptionProfileUpdate { Limits = [QuotaLimit.Parse("input_tokens/day=700")] });
        var after = await s.Checker.CheckForModelAsync("alice", 300, 0, null);

        Assert.Multiple(() =>
        {
            Assert.That(before.IsAllowed, Is.True);
            Assert.That(after.IsAllowed, Is.False, "600 counted before the edit + 300 > 700");
            Assert.That(after.Message, Does.Contain("Limit: 700, used: 600"));
        });
    }

    [Test]
    public async Task AUserWhoseProfileHasNoExtraLimitsWritesNoCounter()
    {
        var s = await StartAsync();

        await s.Checker.RecordForModelAsync("bob", 10, 10, "gpt-4o");
        var check = await s.Checker.CheckForModelAsync("bob", 10, 10, "gpt-4o");

        Assert.Multiple(() =>
        {
            Assert.That(check.IsAllowed, Is.True);
            Assert.That(check.BindingLimit, Is.Null);
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_limit_counters;"), Is.Zero);
        });
    }
}
