namespace TokenQuota;

/// <summary>
/// What TokenQuota does when its store fails (database unreachable, locked past its timeout, corrupt, read-only).
/// </summary>
public enum FailureMode
{
    /// <summary>
    /// The default: a store failure surfaces to the caller as a <see cref="TokenQuotaStoreException"/>.
    /// Nothing is allowed that could not be checked.
    /// </summary>
    FailClosed = 0,

    /// <summary>
    /// A store failure allows the call. The failure is logged at warning level and counted in the
    /// <c>tokenquota.store.failures</c> metric, so it is never silent.
    /// </summary>
    FailOpen = 1,
}
