using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace TokenQuota.Extensions.AI.Tests;

/// <summary>What usage the fake reports.</summary>
public enum UsageReport
{
    Full,
    None,
    OutputOnly,
    TotalOnly,
}

/// <summary>
/// A deterministic model: answers <see cref="OutputTokens"/> tokens (at most the request's MaxOutputTokens), each token
/// being exactly 4 characters so the default estimator counts them exactly, and reports <see cref="InputTokens"/> input.
/// Streams one token per update, then (optionally) a final update with <see cref="UsageContent"/>.
/// </summary>
public sealed class FakeChatClient : IChatClient
{
    private int calls;

    public long InputTokens { get; set; } = 50;

    public int OutputTokens { get; set; } = 20;

    public UsageReport Usage { get; set; } = UsageReport.Full;

    /// <summary>Gets or sets after how many streamed tokens the stream throws; null never.</summary>
    public int? ThrowAfterUpdates { get; set; }

    public bool ThrowImmediately { get; set; }

    public long? CachedInputTokens { get; set; }

    public long? ReasoningTokens { get; set; }

    public int Calls => Volatile.Read(ref calls);

    public List<ChatOptions?> ReceivedOptions { get; } = [];

    public Func<IList<ChatMessage>, ChatOptions?, ChatResponse>? Responder { get; set; }

    public int OutputFor(ChatOptions? options) => Math.Min(OutputTokens, options?.MaxOutputTokens ?? int.MaxValue);

    public static string Tokens(int count) => string.Concat(Enumerable.Repeat("tok ", count));

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Record(options);
        cancellationToken.ThrowIfCancellationRequested();
        if (ThrowImmediately)
        {
            throw new HttpRequestException("provider unavailable");
        }

        if (Responder is not null)
        {
            return Task.FromResult(Responder(messages.ToList(), options));
        }

        var output = OutputFor(options);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, Tokens(output))) { Usage = UsageDetails(output) });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Record(options);
        if (ThrowImmediately)
        {
            throw new HttpRequestException("provider unavailable");
        }

        if (Responder is not null)
        {
            foreach (var update in Responder(messages.ToList(), options).ToChatResponseUpdates())
            {
                await Task.Yield();
                yield return update;
            }

            yield break;
        }

        var output = OutputFor(options);
        for (var i = 0; i < output; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            if (ThrowAfterUpdates == i)
            {
                throw new HttpRequestException("connection reset mid-stream");
            }

            yield return new ChatResponseUpdate(ChatRole.Assistant, Tokens(1));
        }

        if (UsageDetails(output) is { } usage)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(usage)]);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private void Record(ChatOptions? options)
    {
        Interlocked.Increment(ref calls);
        lock (ReceivedOptions)
        {
            ReceivedOptions.Add(options?.Clone());
        }
    }

    private UsageDetails? UsageDetails(int output) => Usage switch
    {
        UsageReport.Full => new UsageDetails
        {
            InputTokenCount = InputTokens,
            OutputTokenCount = output,
            TotalTokenCount = InputTokens + output,
            CachedInputTokenCount = CachedInputTokens,
            ReasoningTokenCount = ReasoningTokens,
        },
        UsageReport.OutputOnly => new UsageDetails { OutputTokenCount = output },
        UsageReport.TotalOnly => new UsageDetails { TotalTokenCount = InputTokens + output },
        _ => null,
    };
}
