using Microsoft.Extensions.AI;

namespace TokenQuota.Extensions.AI;

/// <summary>
/// Estimates token counts where the provider has not reported them yet (before the call) or at all (a stream without
/// usage, a stream that ended early). The estimate of the input is what is reserved before the call; the estimate of
/// the output is what is committed when the provider reports no output count.
/// </summary>
/// <remarks>
/// The default is <see cref="CharacterTokenEstimator"/> (about four characters per token). For counts that match
/// OpenAI models exactly, use a tokenizer-based estimator, for example one built on Microsoft.ML.Tokenizers (see the
/// README). Implementations must be thread-safe: one instance serves every call of a chat client.
/// </remarks>
public interface ITokenEstimator
{
    /// <summary>Estimates the input tokens of a request: its messages, plus the instructions and tool declarations of <paramref name="options"/>.</summary>
    /// <param name="messages">The messages sent to the model.</param>
    /// <param name="options">The request's options, or <see langword="null"/>.</param>
    /// <returns>The estimated input tokens (≥ 0).</returns>
    long EstimateInputTokens(IEnumerable<ChatMessage> messages, ChatOptions? options);

    /// <summary>Estimates the output tokens of text the model produced (answer text, reasoning text and tool-call arguments).</summary>
    /// <param name="text">The text the model produced.</param>
    /// <returns>The estimated output tokens (≥ 0).</returns>
    long EstimateOutputTokens(string text);
}
