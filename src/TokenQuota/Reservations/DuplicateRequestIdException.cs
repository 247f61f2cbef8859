namespace TokenQuota;

/// <summary>
/// A reservation's request id (<see cref="QuotaReservationOptions.RequestId"/>) is already in use by another
/// reservation, held or committed; nothing was held. A caller error, never a store failure: it is neither wrapped in a
/// <see cref="TokenQuotaStoreException"/> nor failed open. It derives from <see cref="InvalidOperationException"/>, which
/// callers caught before it existed.
/// </summary>
public sealed class DuplicateRequestIdException : InvalidOperationException
{
    /// <summary>Creates the exception for a request id already in use.</summary>
    /// <param name="requestId">The request id.</param>
    public DuplicateRequestIdException(string requestId)
        : base($"The reservation request id '{requestId}' is already in use.")
    {
        RequestId = requestId;
    }

    /// <summary>Gets the request id that is already in use.</summary>
    public string RequestId { get; }
}
