using System.Text;
using Microsoft.Extensions.AI;

namespace TokenQuota.Extensions.AI;

/// <summary>
/// A base for estimators that count the tokens of plain text: it turns a request into text (instructions, tool
/// declarations, message text, tool calls and tool results) and adds a fixed overhead per message, so a derived class
/// only implements <see cref="CountTokens"/>.
/// </summary>
/// <remarks>Images, audio and other binary content are not estimated; the provider's reported usage corrects the charge after the call.</remarks>
public abstract class TextTokenEstimator : ITokenEstimator
{
    /// <summary>Initializes the estimator.</summary>
    protected TextTokenEstimator()
    {
    }

    /// <summary>Gets or sets the tokens added per message (and once for the instructions) for the chat template's role markers. Defaults to 4.</summary>
    public int TokensPerMessage { get; init; } = 4;

    /// <summary>Counts the tokens of <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The token count (≥ 0).</returns>
    public abstract long CountTokens(string text);

    /// <inheritdoc />
    public virtual long EstimateInputTokens(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        long tokens = 0;
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            tokens += TokensPerMessage + CountTokens(options.Instructions);
        }

        if (options?.Tools is { Count: > 0 } tools)
        {
            foreach (var tool in tools)
            {
                tokens += CountTokens(ChatText.Describe(tool));
            }
        }

        var text = new StringBuilder();
        foreach (var message in messages)
        {
            tokens += TokensPerMessage;
            text.Clear();
            ChatText.Append(text, message.Contents, includeToolResults: true);
            if (text.Length > 0)
            {
                tokens += CountTokens(text.ToString());
            }
        }

        return tokens;
    }

    /// <inheritdoc />
    public virtual long EstimateOutputTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0 ? 0 : CountTokens(text);
    }
}
