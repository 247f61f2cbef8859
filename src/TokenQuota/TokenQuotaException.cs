namespace TokenQuota;

/// <summary>The base of every exception TokenQuota throws for a refused operation or a failed store.</summary>
public class TokenQuotaException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public TokenQuotaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public TokenQuotaException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
