using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;

namespace TokenQuota.Extensions.AI.Tests;

public sealed class NonStreamingTests : ChatClientTestBase
{
    [Test]
    public async Task ResponseWithUsageCommitsTheReportedUsage()
    {
        using var client = Client();
        var response = await client.GetResponseAsync(Prompt(), For("alice"));

        Assert.That(response.Usage!.OutputTokenCount, Is.EqualTo(20));
        await AssertSettledAsync("alice", input: 50, output: 20);
        Assert.That(CommittedReservations("alice"), Is.EqualTo(1));
    }

    [Test]
    public async Task ResponseWithoutUsageCommitsTheEstimateAndSaysSo()
    {
        using var estimated = new MetricCollector<long>(null, TokenQuotaDiagnostics.MeterName, TokenQuotaChatClientDiagnostics.UsageEstimatedInstrument);
        Model.Usage = UsageReport.None;
        using var client = Client();
        var messages = Prompt();

        await client.GetResponseAsync(messages, For("alice"));

        // Input: the pre-call estimate; output: the estimator on the answer text (20 tokens of 4 characters).
        await AssertSettledAsync("alice", input: EstimatedInput(messages), output: 20);
        var measurement = estimated.GetMeasurementSnapshot().Single();
        Assert.Multiple(() =>
        {
            Assert.That(measurement.Tags["tokenquota.chat.reason"], Is.EqualTo("no_usage"));
            Assert.That(measurement.Tags["tokenquota.chat.streaming"], Is.EqualTo(false));
            Assert.That(Logs.Collector.GetSnapshot().Any(r => r.Level == LogLevel.Warning && r.Id.Name == "ChatUsageEstimated"), Is.True);
        });
    }

    [Test]
    public async Task PartialUsageUsesWhatWasReportedAndEstimatesTheRest()
    {
        using var estimated = new MetricCollector<long>(null, TokenQuotaDiagnostics.MeterName, TokenQuotaChatClientDiagnostics.UsageEstimatedInstrument);
        Model.Usage = UsageReport.OutputOnly;
        using var client = Client();
        var messages = Prompt();

        await client.GetResponseAsync(messages, For("alice"));

        await AssertSettledAsync("alice", input: EstimatedInput(messages), output: 20);
        Assert.That(estimated.GetMeasurementSnapshot().Single().Tags["tokenquota.chat.reason"], Is.EqualTo("partial_usage"));
    }

    [Test]
    public async Task OnlyATotalIsSplitBetweenTheInputEstimateAndOutput()
    {
        Model.Usage = UsageReport.TotalOnly; // total = 50 + 20
        using var client = Client();
        var messages = Prompt();
        var inputEstimate = EstimatedInput(messages);

        await client.GetResponseAsync(messages, For("alice"));

        await AssertSettledAsync("alice", input: inputEstimate, output: 70 - inputEstimate);
    }

    [Test]
    public async Task CachedInputAndReasoningCountByDefaultAndCanBeExcluded()
    {
        Model.CachedInputTokens = 30;
        Model.ReasoningTokens = 5;
        using (var client = Client())
        {
            await client.GetResponseAsync(Prompt(), For("alice"));
        }

        using (var client = Client(o => { o.ChargeCachedInputTokens = false; o.ChargeReasoningTokens = false; }))
        {
            await client.GetResponseAsync(Prompt(), For("bob"));
        }

        await AssertSettledAsync("alice", input: 50, output: 20);
        await AssertSettledAsync("bob", input: 20, output: 15);
    }

    [Test]
    public async Task InnerClientFailureReleasesTheReservation()
    {
        Model.ThrowImmediately = true;
        using var client = Client();

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Prompt(), For("alice")));

        await AssertSettledAsync("alice", input: 0, output: 0);
    }

    [Test]
    public async Task CancelledCallReleasesTheReservation()
    {
        using var client = Client();
        using var cts = new CancellationTokenSource();
        Model.Responder = (_, _) =>
        {
            cts.Cancel();
            cts.Token.ThrowIfCancellationRequested();
            return null!;
        };

        Assert.That(async () => await client.GetResponseAsync(Prompt(), For("alice"), cts.Token), Throws.InstanceOf<OperationCanceledException>());

        await AssertSettledAsync("alice", input: 0, output: 0);
    }
}
