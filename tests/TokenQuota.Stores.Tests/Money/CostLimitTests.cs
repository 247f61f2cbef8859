namespace TokenQuota.Stores.Tests;

/// <summary>Cost limits priced from the catalogue, on both stores: charged up front at reserve, corrected at commit, and recorded exactly.</summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class CostLimitTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    private static QuotaReservationOptions For(string model) => new() { ModelId = model };

    private async Task<Services> BudgetedAsync(string limit, Action<TokenQuotaOptions>? configure = null)
    {
        var s = await StartAsync(configure);
        await s.Profiles.ImportModelPricesAsync(
        [
            new ModelPrice(new ModelFilter("gpt-4o"), ModelPrice.Always, 2.50m, 10.00m, cachedInputPerMillion: 1.25m),
            new ModelPrice(new ModelFilter("gpt-4o-mini"), ModelPrice.Always, 0.15m, 0.60m),
        ]);
        var profile = await s.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Budget", Limits = [QuotaLimit.Parse(limit)] });
        await s.Profiles.AssignAsync("alice", profile.Id);
        return s;
    }

    [Test]
    public async Task ACostBudgetRefusesTheExpensiveModelWhileTheCheapOneStillFits()
    {
        var s = await BudgetedAsync("cost/month=0.10");

        // 10,000 in + 2,000 out on gpt-4o: $0.025 + $0.02 = $0.045 each.
        var first = await s.Checker.ReserveAsync("alice", 10_000, 2_000, For("gpt-4o"));
        var second = await s.Checker.ReserveAsync("alice", 10_000, 2_000, For("gpt-4o"));
        var third = await s.Checker.ReserveAsync("alice", 10_000, 2_000, For("gpt-4o"));
        // The same tokens on gpt-4o-mini: $0.0015 + $0.0012 = $0.0027.
        var cheap = await s.Checker.ReserveAsync("alice", 10_000, 2_000, For("gpt-4o-mini"));

        Assert.Multiple(() =>
        {
            Assert.That(first.IsAllowed && second.IsAllowed, Is.True);
            Assert.That(third.IsAllowed, Is.False, "$0.09 held + $0.045 asked > $0.10");
            Assert.That(third.Check.BindingLimit, Is.EqualTo(QuotaLimit.Parse("cost/month=0.10")));
            Assert.That(third.Check.Message, Is.EqualTo("Monthly cost quota exceeded. Limit: $0.10, used: $0.09, requested: $0.045."));
            Assert.That(cheap.IsAllowed, Is.True, "$0.09 + $0.0027 fits");
        });
    }

    [Test]
    public async Task ACommitChargesTheActualCostAndFreesTheRestOfTheEstimate()
    {
        var s = await BudgetedAsync("cost/day=0.10@gpt-4o");
        var held = await s.Checker.ReserveAsync("alice", 20_000, 4_000, For("gpt-4o"));
        await held.Reservation!.CommitAsync(4_000, 1_000);
        var status = await s.Checker.GetStatusAsync("alice");
        var cost = status.Limits.Single();

        Assert.Multiple(() =>
        {
            Assert.That(held.IsAllowed, Is.True, "$0.05 + $0.04 = $0.09 fits $0.10");
            Assert.That(Scalar<long>("SELECT count FROM tokenquota_limit_counters WHERE limit_key = 'cost/day@gpt-4o';"), Is.EqualTo(20_000_000), "$0.01 + $0.01 used");
            Assert.That(cost.Meter, Is.EqualTo("cost"));
            Assert.That(cost.Currency, Is.EqualTo("USD"));
            Assert.That(cost.Limit, Is.EqualTo(100_000_000));
            Assert.That(cost.Used, Is.EqualTo(20_000_000));
            Assert.That(cost.Reserved, Is.Zero);
            Assert.That(cost.Remaining, Is.EqualTo(80_000_000));
        });
    }

    [Test]
    public async Task RecordsArePricedInNanoUnitsRoundedUpOncePerCall()
    {
        var s = await BudgetedAsync("cost/month=unlimited");
        for (var i = 0; i < 1_000; i++)
        {
            await s.Checker.RecordForModelAsync("alice", 1, 0, "gpt-4o-mini");
        }

        await s.Checker.RecordForModelAsync("alice", 3, 0, "gpt-4o");

        // 1 token at $0.15 per million is exactly 150 nano-units; 3 tokens at $2.50 per million are 7,500.
        Assert.That(Scalar<long>("SELECT count FROM tokenquota_limit_counters WHERE limit_key = 'cost/month';"), Is.EqualTo((1_000 * 150) + 7_500));
    }

    [Test]
    public async Task AnUnpricedModelIsRefusedByDefaultAndFollowsTheOptionOtherwise()
    {
        var refusing = await BudgetedAsync("cost/month=5");
        var refused = await refusing.Checker.ReserveAsync("alice", 10, 10, For("llama-3"));
        var noModel = await refusing.Checker.CheckAsync("alice", 10, 10);
        await refusing.Provider.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(refused.IsAllowed, Is.False);
            Assert.That(refused.Check.Message, Does.StartWith("The model 'llama-3' has no price in the catalogue, and the cost limit cost/month applies to it"));
            Assert.That(refused.Check.RetryAfter, Is.Null);
            Assert.That(noModel.IsAllowed, Is.False, "a request that names no model has an unknown cost");
        });
    }

    [Test]
    public async Task AFallbackPriceChargesAnUnpricedModel()
    {
        var s = await BudgetedAsync("cost/month=5", o =>
        {
            o.UnpricedModels = UnpricedModelPolicy.FallbackPrice;
            o.FallbackInputPricePerMillion = 1m;
            o.FallbackOutputPricePerMillion = 2m;
        });
        await s.Checker.RecordForModelAsync("alice", 1_000, 1_000, "llama-3");
        var allowed = await s.Checker.ReserveAsync("alice", 10, 10, For("llama-3"));

        Assert.Multiple(() =>
        {
            Assert.That(allowed.IsAllowed, Is.True);
            Assert.That(Scalar<long>("SELECT count FROM tokenquota_limit_counters WHERE limit_key = 'cost/month';"), Is.EqualTo(3_000_000), "$0.001 + $0.002");
        });
    }

    [Test]
    public async Task FreeUnpricedModelsAreCountedAndCostNothing()
    {
        var s = await BudgetedAsync("cost/month=0", o => o.UnpricedModels = UnpricedModelPolicy.Free);
        var free = await s.Checker.ReserveAsync("alice", 10, 10, For("llama-3"));
        var priced = await s.Checker.ReserveAsync("alice", 10, 10, For("gpt-4o"));

        Assert.Multiple(() =>
        {
            Assert.That(free.IsAllowed, Is.True);
            Assert.That(priced.IsAllowed, Is.False, "a zero budget refuses any priced call");
        });
    }

    [Test]
    public async Task APriceTakesEffectAtItsInstantAndNeverRepricesPastUsage()
    {
        var s = await BudgetedAsync("cost/year=unlimited");
        await s.Profiles.SetModelPriceAsync(new ModelPrice(new ModelFilter("gpt-4o"), Start.AddHours(1), 5m, 20m), actor: "ops");
        await s.Checker.RecordForModelAsync("alice", 1_000_000, 0, "gpt-4o");
        Clock.SetUtcNow(Start.AddHours(1));
        await s.Checker.RecordForModelAsync("alice", 1_000_000, 0, "gpt-4o");

        var prices = await s.Profiles.ListModelPricesAsync();
        Assert.Multiple(() =>
        {
            Assert.That(Scalar<long>("SELECT count FROM tokenquota_limit_counters WHERE limit_key = 'cost/year';"), Is.EqualTo(7_500_000_000), "$2.50 before, $5 after");
            Assert.That(prices.Count(p => p.Model.Pattern == "gpt-4o"), Is.EqualTo(2));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_audit_log WHERE action = 'price.set' AND actor = 'ops';"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task ACostRefusalSaysTheMostOutputTheBudgetStillBuysExactly()
    {
        var s = await BudgetedAsync("cost/month=0.10");
        var refused = await s.Checker.ReserveAsync("alice", 3_333, 50_000, For("gpt-4o"));
        var fit = refused.Check.OutputTokensThatFit!.Value;
        var tooMany = await s.Checker.ReserveAsync("alice", 3_333, fit + 1, For("gpt-4o"));
        var fits = await s.Checker.ReserveAsync("alice", 3_333, fit, For("gpt-4o"));

        // $0.10 less 3,333 input tokens at $2.50 per million ($0.0083325) buys 9,166 output tokens at $10 per million.
        Assert.Multiple(() =>
        {
            Assert.That(refused.IsAllowed, Is.False);
            Assert.That(fit, Is.EqualTo(9_166));
            Assert.That(tooMany.IsAllowed, Is.False);
            Assert.That(fits.IsAllowed, Is.True);
        });
    }

    [Test]
    public async Task ACostLimitThatMeetsNoPricedModelIsKeptWithAWarning()
    {
        var s = await BudgetedAsync("cost/month=5@gpt-5*");
        var profile = (await s.Profiles.ListAsync()).Single(p => p.Name == "Budget");
        var covered = await s.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Covered", Limits = [QuotaLimit.Parse("cost/month=5@gpt-4o*"), QuotaLimit.Parse("cost/day=1")] });

        var warnings = await s.Profiles.GetCostLimitWarningsAsync(profile.Id);

        Assert.Multiple(async () =>
        {
            Assert.That(profile.Limits.Single().Name, Is.EqualTo("cost/month@gpt-5*"), "kept: the price may be set next");
            Assert.That(warnings.Single(), Does.StartWith("The cost limit cost/month@gpt-5* matches no model of the price catalogue, so every call it applies to is refused"));
            Assert.That(await s.Profiles.GetCostLimitWarningsAsync(covered.Id), Is.Empty, "gpt-4o* meets the gpt-4o and gpt-4o-mini prices; no filter meets any price");
        });
    }

    [Test]
    public async Task ACostThatWouldOverflowIsRefusedAndWritesNothing()
    {
        var s = await BudgetedAsync("cost/month=unlimited");
        await s.Profiles.SetModelPriceAsync(new ModelPrice(new ModelFilter("gold"), ModelPrice.Always, 0m, 999_999m));
        await s.Checker.RecordForModelAsync("alice", 0, 5_000_000_000, "gold");
        var before = Scalar<long>("SELECT count FROM tokenquota_limit_counters WHERE limit_key = 'cost/month';");

        var tooCostly = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await s.Checker.RecordForModelAsync("alice", 0, 1_000_000_000_000_000, "gold"));
        var overflowing = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await s.Checker.RecordForModelAsync("alice", 0, 5_000_000_000, "gold"));

        // bob has no cost limit: the usage by model's cost total alone would overflow.
        await s.Checker.RecordForModelAsync("bob", 0, 5_000_000_000, "gold");
        var byModel = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await s.Checker.RecordForModelAsync("bob", 0, 5_000_000_000, "gold"));

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(4_999_995_000_000_000_000), "5 × 10⁹ tokens at $999,999 per million");
            Assert.That(tooCostly!.Message, Does.Contain("does not fit a 64-bit total"));
            Assert.That(overflowing!.Message, Does.Contain("overflow"));
            Assert.That(Scalar<long>("SELECT count FROM tokenquota_limit_counters WHERE limit_key = 'cost/month';"), Is.EqualTo(before), "nothing written");
            Assert.That(Scalar<long>("SELECT output_tokens_used FROM user_token_usage WHERE user_id = 'alice';"), Is.EqualTo(5_000_000_000));
            Assert.That(byModel!.Message, Does.Contain("overflow"));
            Assert.That(Scalar<long>("SELECT output_tokens_used FROM user_token_usage WHERE user_id = 'bob';"), Is.EqualTo(5_000_000_000), "nothing written for the refused record");
            Assert.That(Scalar<long>("SELECT calls FROM tokenquota_model_usage WHERE user_id = 'bob';"), Is.EqualTo(1));
        });
    }
}
