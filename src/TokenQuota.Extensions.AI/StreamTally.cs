using System.Text;
using Microsoft.Extensions.AI;

namespace TokenQuota.Extensions.AI;

/// <summary>What a stream has delivered so far: the update count, the summed <see cref="UsageContent"/>, the model that answered and the produced text.</summary>
internal sealed class StreamTally
{
    private readonly StringBuilder text = new();

    public int Updates { get; private set; }

    /// <summary>Gets the sum of every <see cref="UsageContent"/> seen (as <c>ToChatResponse()</c> folds them), or <see langword="null"/> when none was.</summary>
    public UsageDetails? Usage { get; private set; }

    /// <summary>Gets the first model id an update named, or <see langword="null"/>.</summary>
    public string? ModelId { get; private set; }

    public string Text => text.ToString();

    public void Observe(ChatResponseUpdate update)
    {
        Updates++;
        ModelId ??= update.ModelId;
        foreach (var content in update.Contents)
        {
            if (content is UsageContent usage)
            {
                (Usage ??= new UsageDetails()).Add(usage.Details);
            }
        }

        ChatText.Append(text, update.Contents, includeToolResults: false);
    }
}

/// <summary>How a stream ended.</summary>
internal enum StreamOutcome
{
    /// <summary>The consumer stopped enumerating (disposed the enumerator) before the end.</summary>
    Abandoned,

    /// <summary>The inner stream ended normally.</summary>
    Completed,

    /// <summary>The cancellation token fired.</summary>
    Cancelled,

    /// <summary>The inner client threw.</summary>
    Failed,
}
