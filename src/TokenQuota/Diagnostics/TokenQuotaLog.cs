using Microsoft.Extensions.Logging;

namespace TokenQuota;

/// <summary>Source-generated logs with stable event ids. Never logs prompt text.</summary>
internal static partial class TokenQuotaLog
{
    [LoggerMessage(EventId = 1001, EventName = "StoreFailedOpen", Level = LogLevel.Warning,
        Message = "The quota store failed during {Operation} for user {UserId}; the call was allowed because FailureMode is FailOpen.")]
    public static partial void StoreFailedOpen(ILogger logger, Exception exception, string operation, string userId);

    [LoggerMessage(EventId = 1002, EventName = "StoreFailed", Level = LogLevel.Error,
        Message = "The quota store failed during {Operation} for user {UserId}.")]
    public static partial void StoreFailed(ILogger logger, Exception exception, string operation, string userId);

    [LoggerMessage(EventId = 1101, EventName = "TokenQuotaDenied", Level = LogLevel.Information,
        Message = "Token quota denied for user {UserId} in {Period}: {Dimension} limit {Limit}, used {Used}, requested {Requested}.")]
    public static partial void TokenQuotaDenied(ILogger logger, string userId, string period, TokenDimension dimension, long limit, long used, long requested);

    [LoggerMessage(EventId = 1201, EventName = "RateLimitDenied", Level = LogLevel.Information,
        Message = "Rate limit {Window} ({Limit}) refused user {UserId}; retry after {RetryAfter}.")]
    public static partial void RateLimitDenied(ILogger logger, string userId, RateLimitWindow window, int limit, TimeSpan retryAfter);

    [LoggerMessage(EventId = 1301, EventName = "ProfileChanged", Level = LogLevel.Information,
        Message = "Consumption profiles changed: {Action} on {Target} by {Actor}.")]
    public static partial void AdminChange(ILogger logger, string action, string target, string? actor);

    [LoggerMessage(EventId = 1401, EventName = "ReservationCommittedAfterExpiry", Level = LogLevel.Warning,
        Message = "Reservation {RequestId} of user {UserId} was committed after its TTL passed; its actual usage was recorded and may exceed the limit.")]
    public static partial void ReservationCommittedAfterExpiry(ILogger logger, string requestId, string userId);

    [LoggerMessage(EventId = 1402, EventName = "ReservationReleaseFailed", Level = LogLevel.Warning,
        Message = "Reservation {RequestId} of user {UserId} could not be released; it stops counting when its TTL passes at {ExpiresAt}.")]
    public static partial void ReservationReleaseFailed(ILogger logger, Exception exception, string requestId, string userId, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 1302, EventName = "CostLimitUnpriced", Level = LogLevel.Warning, Message = "Profile {ProfileName}: {Warning}")]
    public static partial void CostLimitUnpriced(ILogger logger, string profileName, string warning);
}
