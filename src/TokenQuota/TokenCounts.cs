namespace TokenQuota;

/// <summary>The rules for token counts passed to checks and records.</summary>
public static class TokenCounts
{
    /// <summary>
    /// The largest token count accepted in one call (10^15). Larger values are refused, so stored monthly totals
    /// cannot overflow a 64-bit integer.
    /// </summary>
    public const long MaxPerCall = 1_000_000_000_000_000;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when <paramref name="tokens"/> is negative or above <see cref="MaxPerCall"/>.</summary>
    /// <param name="tokens">The token count to check.</param>
    /// <param name="paramName">The parameter name to report; filled in by the compiler.</param>
    public static void Validate(long tokens, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(tokens))] string? paramName = null)
    {
        if (tokens < 0)
        {
            throw new ArgumentOutOfRangeException(paramName, tokens, "Token counts cannot be negative.");
        }

        if (tokens > MaxPerCall)
        {
            throw new ArgumentOutOfRangeException(paramName, tokens, $"Token counts above {MaxPerCall:N0} per call are refused.");
        }
    }
}
