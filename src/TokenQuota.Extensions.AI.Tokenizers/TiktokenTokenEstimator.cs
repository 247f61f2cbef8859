using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace TokenQuota.Extensions.AI;

/// <summary>
/// An <see cref="ITokenEstimator"/> that counts tokens exactly as OpenAI's models do, with the tiktoken encodings of
/// Microsoft.ML.Tokenizers: <see cref="O200kBase"/> (GPT-4o, GPT-4.1, GPT-5 and the o-series; the default) or
/// <see cref="Cl100kBase"/> (GPT-4 and GPT-3.5), or the encoding of a named model through <see cref="ForModel"/>.
/// </summary>
/// <remarks>
/// <para>
/// A request is counted as OpenAI's chat format is: the tokens of each message's text (text, reasoning, tool calls and
/// tool results) plus <see cref="TextTokenEstimator.TokensPerMessage"/> (3) per message for its role markers, the
/// instructions as one more message, the tool declarations' text, and <see cref="TokensPerReply"/> (3) once per request
/// for the priming of the assistant's reply. For plain text messages this is the count the provider reports; tool
/// declarations, images and message author names are approximated or not counted, and the provider's reported usage
/// corrects the charge after the call.
/// </para>
/// <para>
/// Creating a tokenizer loads its vocabulary (about 40 MB and most of a second for o200k_base), so the instances
/// returned by <see cref="O200kBase"/>, <see cref="Cl100kBase"/> and <see cref="ForModel"/> are created once, on first
/// use, and shared. Every instance is thread-safe: one serves all the calls of a chat client.
/// </para>
/// </remarks>
public sealed class TiktokenTokenEstimator : TextTokenEstimator
{
    /// <summary>The tokens OpenAI's chat format adds per message for its role markers (<c>&lt;|start|&gt;role … &lt;|end|&gt;</c>).</summary>
    public const int DefaultTokensPerMessage = 3;

    /// <summary>The tokens OpenAI's chat format adds once per request to prime the reply (<c>&lt;|start|&gt;assistant&lt;|message|&gt;</c>).</summary>
    public const int DefaultTokensPerReply = 3;

    private static readonly Lazy<TiktokenTokenEstimator> O200k = new(() => FromEncoding("o200k_base"));
    private static readonly Lazy<TiktokenTokenEstimator> Cl100k = new(() => FromEncoding("cl100k_base"));
    private static readonly ConcurrentDictionary<string, Lazy<TiktokenTokenEstimator>> ByModel = new(StringComparer.OrdinalIgnoreCase);

    private readonly int tokensPerReply = DefaultTokensPerReply;

    /// <summary>Initializes an estimator that counts with <paramref name="tokenizer"/>.</summary>
    /// <param name="tokenizer">
    /// The tokenizer, for example <c>TiktokenTokenizer.CreateForModel("gpt-4o")</c> or any other Microsoft.ML.Tokenizers
    /// tokenizer. It must be thread-safe (the built-in ones are); create it once and share it, as creating one is expensive.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> is <see langword="null"/>.</exception>
    public TiktokenTokenEstimator(Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        Tokenizer = tokenizer;
        TokensPerMessage = DefaultTokensPerMessage;
    }

    /// <summary>
    /// Gets the shared estimator for the o200k_base encoding, used by GPT-4o, GPT-4.1, GPT-5 and the o-series
    /// (o1, o3, o4-mini). Its tokenizer is created on first use.
    /// </summary>
    public static TiktokenTokenEstimator O200kBase => O200k.Value;

    /// <summary>Gets the shared estimator for the cl100k_base encoding, used by GPT-4, GPT-3.5 Turbo and the text-embedding-3 models. Its tokenizer is created on first use.</summary>
    public static TiktokenTokenEstimator Cl100kBase => Cl100k.Value;

    /// <summary>Gets the tokenizer that counts the text.</summary>
    public Tokenizer Tokenizer { get; }

    /// <summary>
    /// Gets the tokens added once per request (when it has any message or instructions) for the priming of the
    /// assistant's reply. Defaults to <see cref="DefaultTokensPerReply"/> (3); must be zero or more.
    /// </summary>
    public int TokensPerReply
    {
        get => tokensPerReply;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            tokensPerReply = value;
        }
    }

    /// <summary>
    /// Gets the shared estimator for the encoding of an OpenAI model, as <see cref="TiktokenTokenizer.CreateForModel(string, IReadOnlyDictionary{string, int}?, Normalizer?)"/>
    /// maps it (for example <c>"gpt-4o"</c>, <c>"gpt-4.1-mini"</c>, <c>"o3"</c> → o200k_base; <c>"gpt-4"</c>,
    /// <c>"gpt-3.5-turbo"</c> → cl100k_base). The estimator is created on the first call for a model id (case-insensitive) and reused after.
    /// </summary>
    /// <param name="modelId">The model id, for example <see cref="ChatOptions.ModelId"/>.</param>
    /// <returns>The estimator for the model's encoding.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is <see langword="null"/>, empty or white space.</exception>
    /// <exception cref="NotSupportedException">Microsoft.ML.Tokenizers does not know the model.</exception>
    /// <exception cref="InvalidOperationException">
    /// The model uses an encoding other than o200k_base and cl100k_base, whose data package
    /// (for example Microsoft.ML.Tokenizers.Data.P50kBase) the application does not reference.
    /// </exception>
    public static TiktokenTokenEstimator ForModel(string modelId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        var lazy = ByModel.GetOrAdd(modelId, static id => new Lazy<TiktokenTokenEstimator>(() => new TiktokenTokenEstimator(TiktokenTokenizer.CreateForModel(id))));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // An unknown model or missing data package is not cached: the next call tries again.
            ByModel.TryRemove(new KeyValuePair<string, Lazy<TiktokenTokenEstimator>>(modelId, lazy));
            throw;
        }
    }

    /// <inheritdoc />
    public override long CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0 ? 0 : Tokenizer.CountTokens(text);
    }

    /// <inheritdoc />
    /// <remarks>The count of <see cref="TextTokenEstimator.EstimateInputTokens"/> plus <see cref="TokensPerReply"/> when the request has any message or instructions.</remarks>
    public override long EstimateInputTokens(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IReadOnlyCollection<ChatMessage> ?? messages.ToList();
        var tokens = base.EstimateInputTokens(list, options);
        return list.Count > 0 || !string.IsNullOrEmpty(options?.Instructions) ? tokens + TokensPerReply : tokens;
    }

    private static TiktokenTokenEstimator FromEncoding(string encoding) => new(TiktokenTokenizer.CreateForEncoding(encoding));
}
