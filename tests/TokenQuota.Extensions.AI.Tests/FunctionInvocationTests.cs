using Microsoft.Extensions.AI;

namespace TokenQuota.Extensions.AI.Tests;

/// <summary>
/// A tool loop of two model round-trips: the first answers with a tool call (100 in, 12 out), the second, after the
/// tool result, with text (130 in, 8 out).
/// </summary>
public sealed class FunctionInvocationTests : ChatClientTestBase
{
    private readonly AIFunction weather = AIFunctionFactory.Create((string city) => $"Sunny in {city}", "get_weather", "Gets the weather.");

    [SetUp]
    public void ToolCallingModel()
    {
        Model.Responder = (messages, _) => messages[^1].Role == ChatRole.Tool
            ? new ChatResponse(new ChatMessage(ChatRole.Assistant, "It is sunny."))
            {
                Usage = new UsageDetails { InputTokenCount = 130, OutputTokenCount = 8, TotalTokenCount = 138 },
            }
            : new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-1", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" })]))
            {
                Usage = new UsageDetails { InputTokenCount = 100, OutputTokenCount = 12, TotalTokenCount = 112 },
            };
    }

    [Test]
    public async Task InsideFunctionInvocationEachModelRoundTripIsChargedOnceAndOnePromptIsCounted()
    {
        await AssignProfileAsync("alice", promptsPerHour: 1); // the tool round-trip must not count as a second prompt
        using var client = new ChatClientBuilder(Model)
            .UseFunctionInvocation()
            .UseTokenQuotas()
            .Build(Services);

        var response = await client.GetResponseAsync(Prompt("Weather in Oslo?"), ToolOptions("alice"));

        Assert.Multiple(() =>
        {
            Assert.That(response.Text, Is.EqualTo("It is sunny."));
            Assert.That(Model.Calls, Is.EqualTo(2));
            Assert.That(CommittedReservations("alice"), Is.EqualTo(2), "one reservation per round-trip");
        });
        await AssertSettledAsync("alice", input: 230, output: 20);

        // The next user prompt is a new prompt: refused by the hourly limit of 1.
        var refusal = await Assert.ThrowsAsync<TokenQuotaExceededException>(() => client.GetResponseAsync(Prompt("And Bergen?"), ToolOptions("alice")));
        Assert.That(refusal.Reason, Is.EqualTo(TokenQuotaRefusalReason.RateLimit));
    }

    [Test]
    public async Task InsideFunctionInvocationStreamingRoundTripsAreChargedOnceEach()
    {
        using var client = new ChatClientBuilder(Model)
            .UseFunctionInvocation()
            .UseTokenQuotas()
            .Build(Services);

        await foreach (var _ in client.GetStreamingResponseAsync(Prompt("Weather in Oslo?"), ToolOptions("alice")))
        {
        }

        Assert.That(CommittedReservations("alice"), Is.EqualTo(2));
        await AssertSettledAsync("alice", input: 230, output: 20);
    }

    [Test]
    public async Task OutsideFunctionInvocationTheWholeLoopIsOneReservationChargedItsTotal()
    {
        using var client = new ChatClientBuilder(Model)
            .UseTokenQuotas()
            .UseFunctionInvocation()
            .Build(Services);

        await client.GetResponseAsync(Prompt("Weather in Oslo?"), ToolOptions("alice"));

        Assert.Multiple(() =>
        {
            Assert.That(Model.Calls, Is.EqualTo(2));
            Assert.That(CommittedReservations("alice"), Is.EqualTo(1), "one reservation per user prompt");
        });
        await AssertSettledAsync("alice", input: 230, output: 20);
    }

    [Test]
    public async Task OutsideFunctionInvocationStreamingSumsEveryRoundTrip()
    {
        using var client = new ChatClientBuilder(Model)
            .UseTokenQuotas()
            .UseFunctionInvocation()
            .Build(Services);

        await foreach (var _ in client.GetStreamingResponseAsync(Prompt("Weather in Oslo?"), ToolOptions("alice")))
        {
        }

        Assert.That(CommittedReservations("alice"), Is.EqualTo(1));
        await AssertSettledAsync("alice", input: 230, output: 20);
    }

    private ChatOptions ToolOptions(string userId) => new ChatOptions { Tools = [weather] }.WithTokenQuotaUser(userId);
}
