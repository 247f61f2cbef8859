using Microsoft.Extensions.AI;

namespace TokenQuota.Extensions.AI.Tests;

public sealed class ClampingTests : ChatClientTestBase
{
    [Test]
    public async Task MaxOutputTokensIsLoweredToTheOutputLeft()
    {
        await AssignProfileAsync("alice", outputLimit: 100);
        Model.OutputTokens = 1_000; // a model that uses every token it is allowed
        using var client = Client();
        var options = For("alice", maxOutputTokens: 500);

        await client.GetResponseAsync(Prompt(), options);

        Assert.Multiple(() =>
        {
            Assert.That(Model.ReceivedOptions.Single()!.MaxOutputTokens, Is.EqualTo(100));
            Assert.That(options.MaxOutputTokens, Is.EqualTo(500), "the caller's options are not mutated");
        });
        await AssertSettledAsync("alice", input: 50, output: 100);
    }

    [Test]
    public async Task UnsetMaxOutputTokensBecomesTheReservedDefaultWhenOutputIsLimited()
    {
        await AssignProfileAsync("alice", outputLimit: 10_000);
        using var client = Client(o => o.DefaultMaxOutputTokens = 256);

        await client.GetResponseAsync(Prompt(), For("alice"));

        Assert.That(Model.ReceivedOptions.Single()!.MaxOutputTokens, Is.EqualTo(256));
    }

    [Test]
    public async Task WithoutClampingARequestThatDoesNotFitIsRefused()
    {
        await AssignProfileAsync("alice", outputLimit: 100);
        using var client = Client(o => o.ClampMaxOutputTokens = false);

        var refusal = await Assert.ThrowsAsync<TokenQuotaExceededException>(() => client.GetResponseAsync(Prompt(), For("alice", maxOutputTokens: 500)));

        Assert.Multiple(() =>
        {
            Assert.That(refusal.Reason, Is.EqualTo(TokenQuotaRefusalReason.TokenQuota));
            Assert.That(refusal.QuotaCheck!.DeniedDimension, Is.EqualTo(TokenDimension.Output));
            Assert.That(refusal.QuotaCheck.Output.Limit, Is.EqualTo(100));
            Assert.That(refusal.QuotaCheck.Output.Requested, Is.EqualTo(500));
            Assert.That(refusal.ResetsAt, Is.EqualTo(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
            Assert.That(Model.Calls, Is.Zero, "the model is never called");
        });
        await AssertSettledAsync("alice", input: 0, output: 0);
    }

    [Test]
    public async Task WhenNoOutputIsLeftTheCallIsRefusedBeforeTheModel()
    {
        await AssignProfileAsync("alice", outputLimit: 20);
        using var client = Client();
        await client.GetResponseAsync(Prompt(), For("alice")); // uses all 20

        var refusal = await Assert.ThrowsAsync<TokenQuotaExceededException>(() => client.GetResponseAsync(Prompt(), For("alice")));

        Assert.That(refusal.Message, Does.StartWith("Output token quota exceeded"));
        Assert.That(Model.Calls, Is.EqualTo(1));
        await AssertSettledAsync("alice", input: 50, output: 20);
    }

    [Test]
    public async Task InputOverTheLimitIsRefusedNotClamped()
    {
        await AssignProfileAsync("alice", inputLimit: 5);
        using var client = Client();

        var refusal = await Assert.ThrowsAsync<TokenQuotaExceededException>(() => client.GetResponseAsync(Prompt(), For("alice")));

        Assert.That(refusal.QuotaCheck!.DeniedDimension, Is.EqualTo(TokenDimension.Input));
        Assert.That(Model.Calls, Is.Zero);
    }

    [Test]
    public async Task HundredParallelCallsNeverExceedASmallOutputLimit()
    {
        const int OutputLimit = 1_000;
        await AssignProfileAsync("alice", outputLimit: OutputLimit, promptsPerHour: 1_000);
        Model.OutputTokens = int.MaxValue; // worst case: every call uses all the output it is allowed
        using var client = Client();

        var calls = Enumerable.Range(0, 100).Select(async i =>
        {
            try
            {
                if (i % 2 == 0)
                {
                    var response = await client.GetResponseAsync(Prompt(), For("alice", maxOutputTokens: 37));
                    return response.Usage!.OutputTokenCount!.Value;
                }

                long streamed = 0;
                await foreach (var update in client.GetStreamingResponseAsync(Prompt(), For("alice", maxOutputTokens: 37)))
                {
                    streamed += update.Contents.OfType<UsageContent>().Sum(u => u.Details.OutputTokenCount ?? 0);
                }

                return streamed;
            }
            catch (TokenQuotaExceededException)
            {
                return -1L;
            }
        });
        var results = await Task.WhenAll(calls);

        var produced = results.Where(r => r >= 0).Sum();
        var status = await Checker.GetStatusAsync("alice");
        Assert.Multiple(() =>
        {
            Assert.That(status.OutputTokens.Used, Is.LessThanOrEqualTo(OutputLimit));
            Assert.That(status.OutputTokens.Used, Is.EqualTo(produced), "every produced token is charged");
            Assert.That(results.Count(r => r < 0), Is.GreaterThan(0), "some calls were refused");
            Assert.That(status.OutputTokens.Reserved, Is.Zero);
            Assert.That(HeldReservations(), Is.Zero);
        });
    }
}
