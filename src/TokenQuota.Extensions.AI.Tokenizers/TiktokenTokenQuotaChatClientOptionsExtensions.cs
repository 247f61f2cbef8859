namespace TokenQuota.Extensions.AI;

/// <summary>Plugs <see cref="TiktokenTokenEstimator"/> into <see cref="TokenQuotaChatClientOptions"/>.</summary>
public static class TiktokenTokenQuotaChatClientOptionsExtensions
{
    /// <summary>
    /// Sets <see cref="TokenQuotaChatClientOptions.TokenEstimator"/> to the shared <see cref="TiktokenTokenEstimator"/>
    /// of <paramref name="modelId"/>'s encoding, or of o200k_base (GPT-4o, GPT-4.1, GPT-5, o-series) when no model is named.
    /// </summary>
    /// <param name="options">The middleware's options.</param>
    /// <param name="modelId">The OpenAI model whose encoding counts, for example <c>"gpt-4"</c> for cl100k_base; <see langword="null"/> for o200k_base.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is empty or white space.</exception>
    /// <exception cref="NotSupportedException">Microsoft.ML.Tokenizers does not know the model.</exception>
    /// <exception cref="InvalidOperationException">The model's encoding is neither o200k_base nor cl100k_base and its data package is not referenced.</exception>
    public static TokenQuotaChatClientOptions UseTiktokenEstimator(this TokenQuotaChatClientOptions options, string? modelId = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.TokenEstimator = modelId is null ? TiktokenTokenEstimator.O200kBase : TiktokenTokenEstimator.ForModel(modelId);
        return options;
    }
}
