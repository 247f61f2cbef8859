using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Stores.Tests;

/// <summary>Usage by user, month and model, with cached input, reasoning tokens and cost, written with the usage on both stores.</summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class ModelUsageTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    private async Task<Services> PricedAsync()
    {
        var s = await StartAsync();
        await s.Profiles.ImportModelPricesAsync(
        [
            new ModelPrice(new ModelFilter("gpt-4o"), ModelPrice.Always, 2.50m, 10.00m, cachedInputPerMillion: 1.25m),
            new ModelPrice(new ModelFilter("o3"), ModelPrice.Always, 2m, 8m, reasoningPerMillion: 16m),
        ]);
        return s;
    }

    [Test]
    public async Task RecordsAndCommitsAddUpPerUserAndModelWithTheirCost()
    {
        var s = await PricedAsync();
        var reports = s.Provider.GetRequiredService<IUsageReports>();

        await s.Checker.RecordCallAsync("alice", new CallUsage { ModelId = "GPT-4o", InputTokens = 1_000, CachedInputTokens = 400, OutputTokens = 100 });
        await s.Checker.RecordCallAsync("alice", new CallUsage { ModelId = "gpt-4o", InputTokens = 1_000, OutputTokens = 100 });
        var held = await s.Checker.ReserveAsync("bob", 5_000, 5_000, new QuotaReservationOptions { ModelId = "o3", RequestId = "r-1" });
        await held.Reservation!.CommitCallAsync(new CallUsage { InputTokens = 1_000, OutputTokens = 2_000, ReasoningTokens = 1_500 });
        await held.Reservation.CommitCallAsync(new CallUsage { InputTokens = 1_000, OutputTokens = 2_000, ReasoningTokens = 1_500 });
        await s.Checker.RecordAsync("alice", 7, 7);
        await s.Checker.RecordCallAsync("carol", new CallUsage { ModelId = "llama-3", InputTokens = 10, OutputTokens = 10 });

        var period = QuotaPeriod.FromInstant(Clock.GetUtcNow());
        var rows = await reports.GetModelUsageAsync(period);
        var alice = await reports.GetModelUsageAsync(period, "alice");
        var totals = await reports.GetModelTotalsAsync(period);
        var aliceTotals = await s.Checker.GetStatusAsync("alice");

        // alice on gpt-4o: (600 × 2.5 + 400 × 1.25 + 100 × 10) + (1,000 × 2.5 + 100 × 10) = 3,000 + 3,500 per million → 6,500,000 nano.
        // bob on o3: 1,000 × 2 + 500 × 8 + 1,500 × 16 = 30,000 per million → 30,000,000 nano.
        Assert.Multiple(() =>
        {
            Assert.That(rows.Select(r => (r.UserId, r.ModelId, r.Calls, r.CostNanoUnits)), Is.EqualTo(new[]
            {
                ("bob", "o3", 1L, 30_000_000L),
                ("alice", "gpt-4o", 2L, 6_500_000L),
                ("carol", "llama-3", 1L, 0L),
            }), "costliest first; model ids lower-cased; a retried commit counts once; an unpriced model costs 0");
            Assert.That(alice.Single().CachedInputTokens, Is.EqualTo(400));
            Assert.That(alice.Single().InputTokens, Is.EqualTo(2_000), "the call without a model is not in the usage by model");
            Assert.That(aliceTotals.InputTokens.Used, Is.EqualTo(2_007), "but it is in the monthly total");
            Assert.That(rows.Single(r => r.UserId == "bob").ReasoningTokens, Is.EqualTo(1_500));
            Assert.That(totals.Select(t => (t.UserId, t.ModelId, t.CostNanoUnits)), Is.EqualTo(new[] { ((string?)null, "o3", 30_000_000L), (null, "gpt-4o", 6_500_000L), (null, "llama-3", 0L) }));
        });
    }

    [Test]
    public async Task BadUsageDetailIsRefusedNamingTheFieldAndWritesNothing()
    {
        var s = await PricedAsync();

        var cached = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await s.Checker.RecordCallAsync("alice", new CallUsage { ModelId = "gpt-4o", InputTokens = 10, CachedInputTokens = 11, OutputTokens = 1 }));
        var reasoning = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await s.Checker.RecordCallAsync("alice", new CallUsage { ModelId = "gpt-4o", InputTokens = 10, OutputTokens = 1, ReasoningTokens = 2 }));
        var model = await Assert.ThrowsAsync<ArgumentException>(async () => await s.Checker.RecordCallAsync("alice", new CallUsage { ModelId = "gpt 4o", InputTokens = 10, OutputTokens = 1 }));

        Assert.Multiple(() =>
        {
            Assert.That(cached!.ParamName, Is.EqualTo("CachedInputTokens"));
            Assert.That(reasoning!.ParamName, Is.EqualTo("ReasoningTokens"));
            Assert.That(model!.ParamName, Is.EqualTo("ModelId"));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_model_usage;"), Is.Zero);
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM user_token_usage;"), Is.Zero);
        });
    }
}
