using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Extensions.AI.Tests;

/// <summary>The chat client passes the call's model, so the profile's per-model limits apply to it.</summary>
public sealed class ModelLimitTests : ChatClientTestBase
{
    private async Task AssignMeteredAsync(string userId, params string[] limits)
    {
        var manager = Services.GetRequiredService<IConsumptionProfileManager>();
        var profile = await manager.CreateAsync(new NewConsumptionProfile { Name = "Metered", Limits = [.. limits.Select(QuotaLimit.Parse)] }, "tests");
        await manager.AssignAsync(userId, profile.Id, "tests");
    }

    [Test]
    public async Task APerModelLimitRefusesCallsForThatModelOnlyBeforeTheModelIsCalled()
    {
        await AssignMeteredAsync("alice", "prompts/minute=1@gpt-4o*");
        using var client = Client();
        var gpt4o = For("alice");
        gpt4o.ModelId = "gpt-4o";
        var mini = For("alice");
        mini.ModelId = "claude-3-haiku";

        await client.GetResponseAsync(Prompt(), gpt4o);
        var refusal = await Assert.ThrowsAsync<TokenQuotaExceededException>(() => client.GetResponseAsync(Prompt(), gpt4o));
        await client.GetResponseAsync(Prompt(), mini);

        Assert.Multiple(() =>
        {
            Assert.That(refusal.Reason, Is.EqualTo(TokenQuotaRefusalReason.RateLimit));
            Assert.That(refusal.RateLimitDecision!.BindingLimit, Is.EqualTo(QuotaLimit.Parse("prompts/minute=1@gpt-4o*")));
            Assert.That(refusal.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(1)));
            Assert.That(Model.Calls, Is.EqualTo(2), "the refused call never reached the model");
        });
    }

    [Test]
    public async Task ATokensPerMinuteLimitIsJudgedAtReserveAndChargedWithWhatTheCallUsed()
    {
        await AssignMeteredAsync("alice", "total_tokens/minute=1000@gpt-4o");
        Model.InputTokens = 300;
        Model.OutputTokens = 100;
        // Without clamping: with it, the second call would be sent with the output that still fits the limit.
        using var client = Client(o =>
        {
            o.DefaultMaxOutputTokens = 500;
            o.ClampMaxOutputTokens = false;
        });
        var options = For("alice");
        options.ModelId = "gpt-4o";

        await client.GetResponseAsync(Prompt(), options);
        var status = await Checker.GetStatusAsync("alice");
        var refusal = await Assert.ThrowsAsync<TokenQuotaExceededException>(() => client.GetResponseAsync(Prompt(new string('x', 800)), options));

        Assert.Multiple(() =>
        {
            Assert.That(status.Limits.Single().Used, Is.EqualTo(400), "the commit charged what the call used (300 + 100), not the estimate");
            Assert.That(status.Limits.Single().Reserved, Is.Zero);
            Assert.That(refusal.Reason, Is.EqualTo(TokenQuotaRefusalReason.TokenQuota));
            Assert.That(refusal.QuotaCheck!.BindingLimit, Is.EqualTo(QuotaLimit.Parse("total_tokens/minute=1000@gpt-4o")));
            Assert.That(refusal.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(1)));
            Assert.That(Model.Calls, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task ClampingLowersTheOutputToWhatATotalTokenLimitStillHolds()
    {
        await AssignMeteredAsync("alice", "total_tokens/minute=1000@gpt-4o");
        Model.InputTokens = 1;
        Model.OutputTokens = 2_000;
        using var client = Client(o => o.DefaultMaxOutputTokens = 5_000);
        var options = For("alice");
        options.ModelId = "gpt-4o";

        await client.GetResponseAsync(Prompt(), options);
        var status = await Checker.GetStatusAsync("alice");

        Assert.Multiple(() =>
        {
            Assert.That(Model.ReceivedOptions.Single()!.MaxOutputTokens, Is.InRange(900, 999), "1,000 less the input estimate");
            Assert.That(status.Limits.Single().Used, Is.LessThanOrEqualTo(1_000));
        });
    }

    [Test]
    public async Task WithoutAModelInTheRequestTheInnerClientsDefaultModelIsUsed()
    {
        await AssignMeteredAsync("alice", "prompts/minute=1@fake-*");
        using var client = new ChatClientBuilder(new DefaultModelChatClient(Model, "fake-large")).UseTokenQuotas().Build(Services);

        await client.GetResponseAsync(Prompt(), For("alice"));
        var refusal = await Assert.ThrowsAsync<TokenQuotaExceededException>(() => client.GetResponseAsync(Prompt(), For("alice")));

        Assert.That(refusal.RateLimitDecision!.BindingLimit!.Model!.Pattern, Is.EqualTo("fake-*"));
    }

    /// <summary>An inner client that reports a default model in its metadata, as provider clients do.</summary>
    private sealed class DefaultModelChatClient(IChatClient inner, string model) : DelegatingChatClient(inner)
    {
        private readonly ChatClientMetadata metadata = new("fake", defaultModelId: model);

        public override object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ChatClientMetadata) ? metadata : base.GetService(serviceType, serviceKey);
    }
}
