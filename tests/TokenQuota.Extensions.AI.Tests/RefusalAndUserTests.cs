using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Extensions.AI.Tests;

public sealed class RefusalAndUserTests : ChatClientTestBase
{
    [Test]
    public async Task RateLimitDenialThrowsWithTheDecisionAndNeverCallsTheModel()
    {
        await AssignProfileAsync("alice", promptsPerHour: 1);
        using var client = Client();
        await client.GetResponseAsync(Prompt(), For("alice"));

        var refusal = await Assert.ThrowsAsync<TokenQuotaExceededException>(() => client.GetResponseAsync(Prompt(), For("alice")));
        var streamingRefusal = await Assert.ThrowsAsync<TokenQuotaExceededException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(Prompt(), For("alice")))
            {
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(refusal.Reason, Is.EqualTo(TokenQuotaRefusalReason.RateLimit));
            Assert.That(refusal.UserId, Is.EqualTo("alice"));
            Assert.That(refusal.RateLimitDecision!.Window, Is.EqualTo(RateLimitWindow.PromptsPerHour));
            Assert.That(refusal.RetryAfter, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(refusal.Message, Does.StartWith("Hourly prompt limit exceeded"));
            Assert.That(streamingRefusal.Reason, Is.EqualTo(TokenQuotaRefusalReason.RateLimit));
            Assert.That(Model.Calls, Is.EqualTo(1), "only the admitted call reached the model");
        });
        await AssertSettledAsync("alice", input: 50, output: 20);
    }

    [Test]
    public async Task MissingUserIdIsAClearError()
    {
        using var client = Client();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync(Prompt(), new ChatOptions()));

        Assert.That(error.Message, Does.Contain("WithTokenQuotaUser"));
        Assert.That(Model.Calls, Is.Zero);
    }

    [Test]
    public async Task UserComesFromTheCallThenTheHostResolverThenTheFallback()
    {
        var hostUser = "from-host";
        using (var client = Client(o => { o.UserIdResolver = (_, _) => hostUser; o.FallbackUserId = "anonymous"; }))
        {
            await client.GetResponseAsync(Prompt(), For("alice"));
            await client.GetResponseAsync(Prompt());
            hostUser = null!;
            await client.GetResponseAsync(Prompt());
        }

        await AssertSettledAsync("alice", 50, 20);
        await AssertSettledAsync("from-host", 50, 20);
        await AssertSettledAsync("anonymous", 50, 20);
    }

    [Test]
    public async Task HostResolverReceivesThePipelineServices()
    {
        IServiceProvider? seen = null;
        using var client = Client(o => o.UserIdResolver = (sp, _) =>
        {
            seen = sp;
            return "alice";
        });

        await client.GetResponseAsync(Prompt());

        Assert.That(seen!.GetService<ITokenQuotaChecker>(), Is.SameAs(Checker));
    }

    [Test]
    public async Task TheUserIdEntryNeverReachesTheProvider()
    {
        using var client = Client();
        var options = For("alice");
        options.AdditionalProperties!["other"] = 1;

        await client.GetResponseAsync(Prompt(), options);

        var sent = Model.ReceivedOptions.Single()!;
        Assert.Multiple(() =>
        {
            Assert.That(sent.AdditionalProperties!.ContainsKey(TokenQuotaChatClient.UserIdPropertyKey), Is.False);
            Assert.That(sent.AdditionalProperties!["other"], Is.EqualTo(1));
            Assert.That(options.GetTokenQuotaUser(), Is.EqualTo("alice"), "the caller's options keep it");
        });
    }

    [Test]
    public void InvalidUserIdIsRefusedByTheHelper()
    {
        Assert.Throws<ArgumentException>(() => new ChatOptions().WithTokenQuotaUser(" "));
    }

    [Test]
    public void PipelineWithoutTokenQuotaServicesNamesTheFix()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ChatClientBuilder(Model).UseTokenQuotas().Build());

        Assert.That(error.Message, Does.Contain("AddTokenQuotas()"));
    }

    [Test]
    public void GetServiceExposesTheMiddlewareAndTheChecker()
    {
        using var client = Client();

        Assert.Multiple(() =>
        {
            Assert.That(client.GetService<TokenQuotaChatClient>(), Is.Not.Null);
            Assert.That(client.GetService<ITokenQuotaChecker>(), Is.SameAs(Checker));
            Assert.That(client.GetService<FakeChatClient>(), Is.SameAs(Model));
        });
    }
}
