using Microsoft.Extensions.Logging;

namespace TokenQuota;

/// <summary>
/// Applies <see cref="TokenQuotaOptions.FailureMode"/> to a store failure: either wraps it in a
/// <see cref="TokenQuotaStoreException"/>, or lets the call through with a warning and a metric.
/// </summary>
internal sealed class StoreFailureHandler(FailureMode mode, ILogger logger, TokenQuotaMetrics metrics)
{
    /// <summary>Whether an exception thrown by a store call is a store failure, rather than bad input or cancellation.</summary>
    public static bool IsStoreFailure(Exception exception) => exception switch
    {
        OperationCanceledException => false,
        ArgumentException => false,
        TokenQuotaStoreException => true,
        TokenQuotaException => false,
        _ => true,
    };

    /// <summary>
    /// Handles a store failure: returns normally when the call should be allowed (fail open), otherwise throws.
    /// </summary>
    public void Handle(Exception exception, string operation, string userId)
    {
        metrics.StoreFailed(operation, mode);
        if (mode == FailureMode.FailOpen)
        {
            TokenQuotaLog.StoreFailedOpen(logger, exception, operation, userId);
            return;
        }

        TokenQuotaLog.StoreFailed(logger, exception, operation, userId);
        throw Wrap(exception, operation);
    }

    /// <summary>Wraps a store failure in a <see cref="TokenQuotaStoreException"/> that names the operation.</summary>
    public static TokenQuotaStoreException Wrap(Exception exception, string operation) =>
        exception as TokenQuotaStoreException
        ?? new TokenQuotaStoreException($"The quota store failed during {operation}: {exception.Message}", exception);
}
