namespace TokenQuota.Stores.Tests;

/// <summary>Extra prompt limits are judged and charged with the standard prompt windows, in one step.</summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class ExtraPromptLimitTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    private async Task<Services> MeteredAsync(params string[] limits)
    {
        var s = await StartAsync();
        var profile = await s.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Metered", PromptsPerHour = 5, PromptsPerDay = 100, Limits = [.. limits.Select(QuotaLimit.Parse)] });
        await s.Profiles.AssignAsync("alice", profile.Id);
        return s;
    }

    [Test]
    public async Task APerModelPromptLimitRefusesThatModelAndChargesNoStandardWindow()
    {
        var s = await MeteredAsync("prompts/minute=2@gpt-4o*");
        Clock.SetUtcNow(Start.AddSeconds(20));

        var one = await s.Rates.AcquirePromptForModelAsync("alice", "gpt-4o", default);
        var two = await s.Rates.AcquirePromptForModelAsync("alice", "gpt-4o-mini", default);
        var refused = await s.Rates.AcquirePromptForModelAsync("alice", "GPT-4o", default);
        var other = await s.Rates.AcquirePromptForModelAsync("alice", "claude-3-haiku", default);

        Assert.Multiple(() =>
        {
            Assert.That(one.IsAllowed && two.IsAllowed, Is.True);
            Assert.That(refused.IsAllowed, Is.False, "model filters ignore case");
            Assert.That(refused.BindingLimit, Is.EqualTo(QuotaLimit.Parse("prompts/minute=2@gpt-4o*")));
            Assert.That(refused.Message, Is.EqualTo("Per-minute prompt quota for model 'gpt-4o*' exceeded. Limit: 2, used: 2, requested: 1."));
            Assert.That(refused.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(40)));
            Assert.That(other.IsAllowed, Is.True);
            Assert.That(other.Remaining, Is.EqualTo(2), "the refused prompt was not counted in the hourly window: 5 - 3");
        });
    }

    [Test]
    public async Task AStandardWindowRefusalChargesNoExtraCounter()
    {
        var s = await MeteredAsync("prompts/week=1000");
        for (var i = 0; i < 5; i++)
        {
            Assert.That((await s.Rates.AcquirePromptForModelAsync("alice", null, default)).IsAllowed, Is.True);
        }

        var refused = await s.Rates.AcquirePromptForModelAsync("alice", null, default);

        Assert.Multiple(() =>
        {
            Assert.That(refused.IsAllowed, Is.False);
            Assert.That(refused.BindingLimit, Is.Null, "the standard hourly window refused");
            Assert.That(Scalar<long>("SELECT count FROM tokenquota_limit_counters WHERE limit_key = 'prompts/week';"), Is.EqualTo(5));
        });
    }

    [Test]
    public async Task ATokenBucketPromptLimitAdmitsNoBurstAtAWindowEdgeAndSaysTheExactWait()
    {
        var s = await MeteredAsync("prompts/minute:token_bucket=2");
        Clock.SetUtcNow(Start.AddSeconds(59));

        var first = await s.Rates.AcquirePromptForModelAsync("alice", null, default);
        var second = await s.Rates.AcquirePromptForModelAsync("alice", null, default);
        Clock.SetUtcNow(Start.AddSeconds(61));
        var acrossTheEdge = await s.Rates.AcquirePromptForModelAsync("alice", null, default);
        Clock.SetUtcNow(Start.AddSeconds(89));
        var refilled = await s.Rates.AcquirePromptForModelAsync("alice", null, default);

        Assert.Multiple(() =>
        {
            Assert.That(first.IsAllowed && second.IsAllowed, Is.True);
            Assert.That(acrossTheEdge.IsAllowed, Is.False, "a fixed window would admit 2 more here");
            Assert.That(acrossTheEdge.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(28)), "one unit refills every 30 s");
            Assert.That(refilled.IsAllowed, Is.True);
        });
    }

    [Test]
    public async Task ConcurrentPromptsNeverPassAnExtraLimit()
    {
        var s = await MeteredAsync("prompts/minute=3@m", "prompts/month=4");

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(async () => await s.Rates.AcquirePromptForModelAsync("alice", "m", default))));

        Assert.Multiple(() =>
        {
            Assert.That(results.Count(r => r.IsAllowed), Is.EqualTo(3), "the per-minute 3 binds before the month's 4 and the hour's 5");
            Assert.That(Scalar<long>("SELECT count FROM tokenquota_limit_counters WHERE limit_key = 'prompts/month';"), Is.EqualTo(3), "refused prompts are charged nowhere");
        });
    }
}
