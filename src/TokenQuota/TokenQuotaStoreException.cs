namespace TokenQuota;

/// <summary>
/// The quota store failed: the database is unreachable, locked past its timeout, read-only, corrupt, or its schema
/// is newer than this library. Thrown when <see cref="TokenQuotaOptions.FailureMode"/> is
/// <see cref="FailureMode.FailClosed"/> (the default); the original error is the <see cref="Exception.InnerException"/>.
/// </summary>
public class TokenQuotaStoreException : TokenQuotaException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The store's own error.</param>
    public TokenQuotaStoreException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
