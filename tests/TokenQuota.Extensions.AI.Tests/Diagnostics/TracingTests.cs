using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace TokenQuota.Extensions.AI.Tests;

/// <summary>
/// Issue 20 "Tracing": the middleware's <c>tokenquota.chat</c> span carries the requested model
/// (<c>gen_ai.request.model</c>), is the parent of the acquire, reserve and commit spans of the call, and sits under
/// Microsoft.Extensions.AI's own chat span when <c>UseOpenTelemetry()</c> comes first in the pipeline.
/// </summary>
public sealed class TracingTests : ChatClientTestBase
{
    private const string GenAiSource = "TokenQuota.Tests.GenAi";

    [Test]
    public async Task TheChatSpanSitsUnderTheOpenTelemetryChatSpanAndParentsTheQuotaSpans()
    {
        using var spans = new SpanRecorder(GenAiSource);
        using var client = new ChatClientBuilder(Model).UseOpenTelemetry(sourceName: GenAiSource).UseTokenQuotas().Build(Services);

        await client.GetResponseAsync(Prompt(), ForModel("alice", "gpt-test"));

        var genAi = spans.Spans.Single(s => s.Source.Name == GenAiSource);
        var chat = spans.Named("tokenquota.chat").Single();
        var quota = spans.Spans.Where(s => s.OperationName is "tokenquota.acquire" or "tokenquota.reserve" or "tokenquota.commit").ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(genAi.ParentSpanId, Is.EqualTo(spans.Root.SpanId), "the OpenTelemetry span is the outermost");
            Assert.That(chat.ParentSpanId, Is.EqualTo(genAi.SpanId), "tokenquota.chat is a child of the OpenTelemetry chat span");
            Assert.That(quota.Select(s => s.OperationName), Is.EqualTo(new[] { "tokenquota.acquire", "tokenquota.reserve", "tokenquota.commit" }));
            Assert.That(quota.Select(s => s.ParentSpanId), Has.All.EqualTo(chat.SpanId), "the quota steps are children of tokenquota.chat");
            Assert.That(chat.GetTagItem("gen_ai.request.model"), Is.EqualTo("gpt-test"));
            Assert.That(genAi.GetTagItem("gen_ai.request.model"), Is.EqualTo("gpt-test"), "both spans name the model the same way");
            Assert.That(chat.GetTagItem("tokenquota.outcome"), Is.EqualTo("completed"));
            Assert.That(chat.TagObjects.Select(t => t.Value), Has.None.EqualTo("alice"), "no user id unless the host opts in");
        });
    }

    [Test]
    public async Task ARefusedStreamingCallEndsItsSpanAsDeniedWithTheBindingLimitOnTheReserveSpan()
    {
        await AssignProfileAsync("bob", inputLimit: 1);
        using var spans = new SpanRecorder(GenAiSource);
        using var client = new ChatClientBuilder(Model).UseOpenTelemetry(sourceName: GenAiSource).UseTokenQuotas().Build(Services);

        await Assert.ThrowsAsync<TokenQuotaExceededException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Prompt(), ForModel("bob", "gpt-test")))
            {
                Assert.Fail($"no update may be streamed: {update}");
            }
        });

        var chat = spans.Named("tokenquota.chat").Single();
        var reserve = spans.Named("tokenquota.reserve").Single();
        Assert.Multiple(() =>
        {
            Assert.That(chat.GetTagItem("tokenquota.outcome"), Is.EqualTo("denied"));
            Assert.That(chat.GetTagItem("tokenquota.chat.reason"), Is.EqualTo("token_quota"));
            Assert.That(chat.GetTagItem("tokenquota.chat.streaming"), Is.EqualTo(true));
            Assert.That(chat.Status, Is.EqualTo(ActivityStatusCode.Unset), "a refusal is an answer, not an error of the middleware");
            Assert.That(reserve.ParentSpanId, Is.EqualTo(chat.SpanId));
            Assert.That((reserve.GetTagItem("tokenquota.limit.meter"), reserve.GetTagItem("tokenquota.limit.window")), Is.EqualTo(("input_tokens", "month")));
            Assert.That(Model.Calls, Is.Zero);
        });
    }

    [Test]
    public async Task AStreamedCallEndsItsSpanWhenTheStreamCompletes()
    {
        using var spans = new SpanRecorder();
        using var client = Client();

        await foreach (var _ in client.GetStreamingResponseAsync(Prompt(), ForModel("carol", "gpt-stream")))
        {
        }

        var chat = spans.Named("tokenquota.chat").Single();
        Assert.Multiple(() =>
        {
            Assert.That(chat.GetTagItem("tokenquota.outcome"), Is.EqualTo("completed"));
            Assert.That(chat.GetTagItem("gen_ai.request.model"), Is.EqualTo("gpt-stream"));
            Assert.That(spans.Named("tokenquota.commit").Single().ParentSpanId, Is.EqualTo(chat.SpanId));
        });
    }

    private static ChatOptions ForModel(string userId, string modelId)
    {
        var options = For(userId);
        options.ModelId = modelId;
        return options;
    }
}
