namespace TokenQuota.Extensions.AI;

/// <summary>
/// The default <see cref="ITokenEstimator"/>: one token per <see cref="CharactersPerToken"/> characters, rounded up,
/// plus <see cref="TextTokenEstimator.TokensPerMessage"/> per message. Cheap and dependency-free; about right for
/// English text with OpenAI-style tokenizers, less so for code or other scripts.
/// </summary>
public sealed class CharacterTokenEstimator : TextTokenEstimator
{
    /// <summary>Gets a shared instance with the default settings (4 characters per token, 4 tokens per message).</summary>
    public static CharacterTokenEstimator Default { get; } = new();

    /// <summary>Gets the characters counted as one token. Defaults to 4; must be more than zero.</summary>
    public double CharactersPerToken
    {
        get => charactersPerToken;
        init
        {
            if (!(value > 0) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Characters per token must be a finite number above zero.");
            }

            charactersPerToken = value;
        }
    }

    private readonly double charactersPerToken = 4.0;

    /// <inheritdoc />
    public override long CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return (long)Math.Ceiling(text.Length / charactersPerToken);
    }
}
