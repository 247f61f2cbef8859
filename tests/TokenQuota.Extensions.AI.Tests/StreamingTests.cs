using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;

namespace TokenQuota.Extensions.AI.Tests;

public sealed class StreamingTests : ChatClientTestBase
{
    [Test]
    public async Task StreamWithUsageContentCommitsTheReportedUsage()
    {
        using var client = Client();
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Prompt(), For("alice")))
        {
            updates.Add(update);
        }

        Assert.That(updates.ToChatResponse().Usage!.OutputTokenCount, Is.EqualTo(20), "updates reach the caller unchanged");
        await AssertSettledAsync("alice", input: 50, output: 20);
    }

    [Test]
    public async Task StreamWithoutUsageCommitsTheEstimateFlaggedByMetricAndWarning()
    {
        using var estimated = new MetricCollector<long>(null, TokenQuotaDiagnostics.MeterName, TokenQuotaChatClientDiagnostics.UsageEstimatedInstrument);
        Model.Usage = UsageReport.None;
        Model.InputTokens = 9_999; // never reported, so never charged
        using var client = Client();
        var messages = Prompt();

        await foreach (var _ in client.GetStreamingResponseAsync(messages, For("alice")))
        {
        }

        await AssertSettledAsync("alice", input: EstimatedInput(messages), output: 20);
        var measurement = estimated.GetMeasurementSnapshot().Single();
        Assert.Multiple(() =>
        {
            Assert.That(measurement.Tags["tokenquota.chat.reason"], Is.EqualTo("no_usage"));
            Assert.That(measurement.Tags["tokenquota.chat.streaming"], Is.EqualTo(true));
            Assert.That(Logs.Collector.GetSnapshot().Any(r => r.Level == LogLevel.Warning && r.Id.Name == "ChatUsageEstimated"), Is.True);
        });
    }

    [Test]
    public async Task InnerThrowMidStreamCommitsWhatStreamedAndReleasesTheRest()
    {
        Model.ThrowAfterUpdates = 3;
        using var client = Client();
        var messages = Prompt();
        var received = 0;

        await Assert.ThrowsAsync<HttpRequestException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(messages, For("alice", maxOutputTokens: 500)))
            {
                received++;
            }
        });

        Assert.That(received, Is.EqualTo(3));
        await AssertSettledAsync("alice", input: EstimatedInput(messages), output: 3);
    }

    [Test]
    public async Task CancellationMidStreamCommitsWhatStreamedAndReleasesTheRest()
    {
        using var client = Client();
        var messages = Prompt();
        using var cts = new CancellationTokenSource();
        var received = 0;

        Assert.That(
            async () =>
            {
                await foreach (var _ in client.GetStreamingResponseAsync(messages, For("alice", maxOutputTokens: 500), cts.Token))
                {
                    if (++received == 2)
                    {
                        await cts.CancelAsync();
                    }
                }
            },
            Throws.InstanceOf<OperationCanceledException>());

        Assert.That(received, Is.EqualTo(2));
        await AssertSettledAsync("alice", input: EstimatedInput(messages), output: 2);
        Assert.That(Logs.Collector.GetSnapshot().Any(r => r.Id.Name == "ChatStreamInterrupted"), Is.True);
    }

    [Test]
    public async Task EarlyDisposalOfTheEnumeratorCommitsWhatStreamedAndReleasesTheRest()
    {
        using var client = Client();
        var messages = Prompt();
        var received = 0;

        await foreach (var _ in client.GetStreamingResponseAsync(messages, For("alice", maxOutputTokens: 500)))
        {
            if (++received == 4)
            {
                break;
            }
        }

        await AssertSettledAsync("alice", input: EstimatedInput(messages), output: 4);
    }

    [Test]
    public async Task EnumeratorDisposedAfterOneUpdateChargesItAndOneNeverStartedChargesNothing()
    {
        using var client = Client();
        var enumerator = client.GetStreamingResponseAsync(Prompt(), For("alice")).GetAsyncEnumerator();
        Assert.That(await enumerator.MoveNextAsync(), Is.True);
        await enumerator.DisposeAsync(); // one update streamed: charged input estimate + 1
        await using (var second = client.GetStreamingResponseAsync(Prompt(), For("bob")).GetAsyncEnumerator())
        {
            // never moved: nothing reserved, nothing charged
        }

        await AssertSettledAsync("alice", input: EstimatedInput(Prompt()), output: 1);
        await AssertSettledAsync("bob", input: 0, output: 0);
    }

    [Test]
    public async Task InnerFailureBeforeTheFirstUpdateReleasesTheReservation()
    {
        Model.ThrowImmediately = true;
        using var client = Client();

        await Assert.ThrowsAsync<HttpRequestException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(Prompt(), For("alice")))
            {
            }
        });

        await AssertSettledAsync("alice", input: 0, output: 0);
    }

    [Test]
    public async Task StreamHoldsItsReservationWhileItRuns()
    {
        using var client = Client();
        await foreach (var _ in client.GetStreamingResponseAsync(Prompt(), For("alice", maxOutputTokens: 300)))
        {
            var status = await Checker.GetStatusAsync("alice");
            Assert.That(status.OutputTokens.Reserved, Is.EqualTo(300));
            break;
        }

        await AssertSettledAsync("alice", input: EstimatedInput(Prompt()), output: 1);
    }
}
