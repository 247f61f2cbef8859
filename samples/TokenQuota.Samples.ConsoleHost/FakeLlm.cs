namespace TokenQuota.Samples.ConsoleHost;

/// <summary>What the sample asks the fake model: a prompt, optionally with an attached document, and an output cap.</summary>
/// <param name="Prompt">The prompt text.</param>
/// <param name="AttachedDocumentTokens">The tokens of an attached document (a long contract, a log file), 0 when none.</param>
/// <param name="MaxOutputTokens">The most output tokens the caller allows, like <c>max_tokens</c> of a real API.</param>
internal sealed record LlmRequest(string Prompt, int AttachedDocumentTokens = 0, int MaxOutputTokens = 800, string Model = "gpt-4o-mini");

/// <summary>What the fake model answers, with the usage a real provider would report.</summary>
/// <param name="Text">The answer.</param>
/// <param name="InputTokens">The input tokens actually used.</param>
/// <param name="OutputTokens">The output tokens actually produced.</param>
internal sealed record LlmResponse(string Text, long InputTokens, long OutputTokens);

/// <summary>
/// A stand-in for an LLM: no network, no randomness. Token counts are a pure function of the request, so every run of
/// the sample prints the same figures.
/// </summary>
internal sealed class FakeLlm
{
    /// <summary>What the host would estimate before the call: about four characters per token, plus the attachment.</summary>
    public static long EstimateInputTokens(LlmRequest request) => PromptTokens(request.Prompt) + request.AttachedDocumentTokens;

    /// <summary>Answers the request after a short pretend latency.</summary>
    public async Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);

        // A real model reports slightly more input than the estimate (system prompt, chat template).
        const int SystemPromptTokens = 42;
        var input = EstimateInputTokens(request) + SystemPromptTokens;
        var output = Math.Min(request.MaxOutputTokens, 120 + (StableHash(request.Prompt) % 400));
        return new LlmResponse($"(fake answer of {output} tokens)", input, output);
    }

    private static long PromptTokens(string prompt) => (prompt.Length + 3) / 4;

    // string.GetHashCode() changes from one process to the next; this does not.
    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash & int.MaxValue;
    }
}
