namespace TokenQuota;

/// <summary>The rules for user ids: opaque strings chosen by the host, 1–128 characters, no control characters.</summary>
public static class UserIds
{
    /// <summary>The longest user id accepted, in UTF-16 characters.</summary>
    public const int MaxLength = 128;

    /// <summary>Throws a typed exception naming the problem when <paramref name="userId"/> is not a valid user id.</summary>
    /// <param name="userId">The user id to check.</param>
    /// <param name="paramName">The parameter name to report; filled in by the compiler.</param>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The id is empty, whitespace only, longer than <see cref="MaxLength"/> or holds a control character.</exception>
    public static void Validate(string? userId, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(userId))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(userId, paramName);
        if (userId.Length == 0)
        {
            throw new ArgumentException("The user id is empty; it must be 1 to 128 characters.", paramName);
        }

        if (userId.Length > MaxLength)
        {
            throw new ArgumentException($"The user id is {userId.Length} characters long; at most {MaxLength} are allowed.", paramName);
        }

        var allWhitespace = true;
        foreach (var c in userId)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException($"The user id contains the control character U+{(int)c:X4}; control characters are not allowed.", paramName);
            }

            allWhitespace &= char.IsWhiteSpace(c);
        }

        if (allWhitespace)
        {
            throw new ArgumentException("The user id is whitespace only; it must contain a visible character.", paramName);
        }
    }
}
