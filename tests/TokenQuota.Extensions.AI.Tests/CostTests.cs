using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Extensions.AI.Tests;

/// <summary>The chat client against cost limits: usage detail passed through, priced apart, and output clamped to what the money left buys.</summary>
public sealed class CostTests : ChatClientTestBase
{
    private async Task BudgetAsync(string userId, string limit)
    {
        var manager = Services.GetRequiredService<IConsumptionProfileManager>();
        await manager.ImportModelPricesAsync(
        [
            new ModelPrice(new ModelFilter("gpt-4o"), ModelPrice.Always, 1m, 10m, cachedInputPerMillion: 0.5m, reasoningPerMillion: 20m),
        ]);
        var profile = await manager.CreateAsync(new NewConsumptionProfile { Name = "Budget", Limits = [QuotaLimit.Parse(limit)] }, "tests");
        await manager.AssignAsync(userId, profile.Id, "tests");
    }

    private ChatOptions Gpt4o(string userId)
    {
        var options = For(userId);
        options.ModelId = "gpt-4o";
        return options;
    }

    [Test]
    public async Task CachedInputAndReasoningTokensArePricedApartAndTheCallLandsInTheUsageByModel()
    {
        await BudgetAsync("alice", "cost/month=10");
        Model.InputTokens = 1_000;
        Model.CachedInputTokens = 600;
        Model.OutputTokens = 200;
        Model.ReasoningTokens = 150;
        using var client = Client();

        await client.GetResponseAsync(Prompt(), Gpt4o("alice"));
        var status = await Checker.GetStatusAsync("alice");
        var byModel = await Services.GetRequiredService<IUsageReports>().GetModelUsageAsync(QuotaPeriod.FromInstant(Start), "alice");

        // 400 × 1 + 600 × 0.5 + 50 × 10 + 150 × 20 = 4,200 per million → 4,200,000 nano-units.
        Assert.Multiple(() =>
        {
            Assert.That(status.Limits.Single().Used, Is.EqualTo(4_200_000));
            Assert.That(byModel.Single().ModelId, Is.EqualTo("gpt-4o"));
            Assert.That(byModel.Single().CachedInputTokens, Is.EqualTo(600));
            Assert.That(byModel.Single().ReasoningTokens, Is.EqualTo(150));
            Assert.That(byModel.Single().CostNanoUnits, Is.EqualTo(4_200_000));
        });
    }

    [Test]
    public async Task ClampingLowersMaxOutputTokensToWhatTheRemainingBudgetBuys()
    {
        // $0.01: 1,000 output tokens at $10 per million, less what the input costs.
        await BudgetAsync("alice", "cost/month=0.01");
        Model.InputTokens = 1;
        Model.OutputTokens = 5_000;
        using var client = Client(o => o.DefaultMaxOutputTokens = 2_000);

        await client.GetResponseAsync(Prompt(), Gpt4o("alice"));
        var sent = Model.ReceivedOptions.Single()!.MaxOutputTokens;
        var status = await Checker.GetStatusAsync("alice");

        Assert.Multiple(() =>
        {
            Assert.That(sent, Is.InRange(900, 999), "the output the remaining $0.01 buys beside the call's input");
            Assert.That(Model.Calls, Is.EqualTo(1));
            Assert.That(status.Limits.Single().Used, Is.LessThanOrEqualTo(10_000_000), "a provider that honours MaxOutputTokens cannot overshoot the budget");
        });
    }

    [Test]
    public async Task WithoutClampingACallThatDoesNotFitTheBudgetIsRefusedBeforeTheModelIsCalled()
    {
        await BudgetAsync("alice", "cost/month=0.01");
        using var client = Client(o =>
        {
            o.DefaultMaxOutputTokens = 2_000;
            o.ClampMaxOutputTokens = false;
        });

        var refusal = await Assert.ThrowsAsync<TokenQuotaExceededException>(() => client.GetResponseAsync(Prompt(), Gpt4o("alice")));

        Assert.Multiple(() =>
        {
            Assert.That(refusal.QuotaCheck!.BindingLimit, Is.EqualTo(QuotaLimit.Parse("cost/month=0.01")));
            Assert.That(refusal.Message, Does.Contain("Monthly cost quota exceeded. Limit: $0.01"));
            Assert.That(Model.Calls, Is.Zero);
        });
    }
}
