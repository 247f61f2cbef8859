using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace TokenQuota.Samples.ConsoleHost;

/// <summary>
/// A stand-in for a real <see cref="IChatClient"/> (OpenAI, Azure OpenAI, Ollama…): no network, no randomness. It
/// answers with a canned text, one word per token, honours <see cref="ChatOptions.MaxOutputTokens"/>, and reports usage
/// like a real provider: <see cref="ChatResponse.Usage"/>, or a final <see cref="UsageContent"/> when streaming.
/// </summary>
internal sealed class FakeChatModel : IChatClient
{
    private const int SystemPromptTokens = 40;

    private static readonly string[] Answer =
        ("A fixed window counts requests in aligned slots, such as each clock hour. When the slot ends the count starts " +
         "again from zero, so a burst at the end of one slot and the start of the next can admit up to twice the limit " +
         "within sixty minutes, which is the price of its simplicity.").Split(' ');

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        await Task.Delay(5, cancellationToken);
        var words = Words(options);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, string.Join(' ', words))) { Usage = Usage(messages, words.Length) };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var words = Words(options);
        for (var i = 0; i < words.Length; i++)
        {
            await Task.Delay(2, cancellationToken);
            yield return new ChatResponseUpdate(ChatRole.Assistant, (i == 0 ? "" : " ") + words[i]);
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(Usage(messages, words.Length))]);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private static string[] Words(ChatOptions? options) => Answer.Take(options?.MaxOutputTokens ?? Answer.Length).ToArray();

    private static UsageDetails Usage(IEnumerable<ChatMessage> messages, int outputTokens)
    {
        var input = SystemPromptTokens + messages.Sum(m => (m.Text.Length + 3) / 4);
        return new UsageDetails { InputTokenCount = input, OutputTokenCount = outputTokens, TotalTokenCount = input + outputTokens };
    }
}
