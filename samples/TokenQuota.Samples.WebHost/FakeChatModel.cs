using System.Text.Json.Serialization;
using TokenQuota.AspNetCore;

namespace TokenQuota.Samples.WebHost;

/// <summary>The body of <c>POST /api/chat</c>.</summary>
public sealed record ChatRequest
{
    [JsonPropertyName("prompt")]
    public string? Prompt { get; init; }

    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; init; }
}

/// <summary>The answer of <c>POST /api/chat</c>; as an <see cref="ITokenUsageReport"/> it tells RequireTokenQuota() the actual usage.</summary>
public sealed record ChatReply(
    [property: JsonPropertyName("reply")] string Reply,
    [property: JsonPropertyName("input_tokens")] long InputTokens,
    [property: JsonPropertyName("output_tokens")] long OutputTokens) : ITokenUsageReport;

/// <summary>A stand-in for an LLM: no network, deterministic token counts.</summary>
public static class FakeChatModel
{
    public const int SystemPromptTokens = 42;
    public const int DefaultMaxTokens = 200;
    public const int MaxPromptLength = 20_000;

    /// <summary>About four characters per token, plus the system prompt the model always receives.</summary>
    public static long InputTokens(string prompt) => ((prompt.Length + 3) / 4) + SystemPromptTokens;

    /// <summary>What RequireTokenQuota() reserves: the exact input and the most output the request allows.</summary>
    public static TokenEstimate Estimate(ChatRequest? request)
    {
        var (prompt, maxTokens) = Validate(request);
        return new TokenEstimate(InputTokens(prompt), maxTokens);
    }

    public static async Task<ChatReply> CompleteAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var (prompt, maxTokens) = Validate(request);
        await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        var output = Math.Min(maxTokens, 40 + (StableHash(prompt) % 160));
        var words = prompt.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return new ChatReply($"(fake model) You wrote {words} word(s); here is an answer of {output} tokens.", InputTokens(prompt), output);
    }

    private static (string Prompt, int MaxTokens) Validate(ChatRequest? request)
    {
        if (string.IsNullOrWhiteSpace(request?.Prompt))
        {
            throw new ArgumentException("prompt is required.", nameof(request));
        }

        if (request.Prompt.Length > MaxPromptLength)
        {
            throw new ArgumentException($"prompt is longer than {MaxPromptLength} characters.", nameof(request));
        }

        var maxTokens = request.MaxTokens ?? DefaultMaxTokens;
        if (maxTokens is < 1 or > 4096)
        {
            throw new ArgumentException("max_tokens must be 1 to 4096.", nameof(request));
        }

        return (request.Prompt, maxTokens);
    }

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
