using Microsoft.Extensions.Logging;

namespace TokenQuota.Extensions.AI;

/// <summary>Source-generated logs of <see cref="TokenQuotaChatClient"/>, event ids 2001–2099. Never logs prompt or answer text.</summary>
internal static partial class ChatClientLog
{
    [LoggerMessage(EventId = 2001, EventName = "ChatUsageEstimated", Level = LogLevel.Warning,
        Message = "The chat provider reported {Missing} for user {UserId}; charged an estimate: {InputTokens} input and {OutputTokens} output tokens (reservation {RequestId}, streaming: {Streaming}).")]
    public static partial void UsageEstimated(ILogger logger, string missing, string userId, long inputTokens, long outputTokens, string requestId, bool streaming);

    [LoggerMessage(EventId = 2002, EventName = "ChatStreamInterrupted", Level = LogLevel.Information,
        Message = "The chat stream of user {UserId} ended early ({Reason}) after {Updates} updates; committed {InputTokens} input and {OutputTokens} output tokens and released the rest of reservation {RequestId}.")]
    public static partial void StreamInterrupted(ILogger logger, string userId, string reason, int updates, long inputTokens, long outputTokens, string requestId);

    [LoggerMessage(EventId = 2003, EventName = "ChatCallReleased", Level = LogLevel.Debug,
        Message = "The chat call of user {UserId} ended before any response ({Reason}); reservation {RequestId} was released.")]
    public static partial void CallReleased(ILogger logger, string userId, string reason, string requestId);

    [LoggerMessage(EventId = 2004, EventName = "ChatSettleFailed", Level = LogLevel.Error,
        Message = "Could not commit the usage of reservation {RequestId} of user {UserId} after the stream ended ({Reason}); it stops counting when its TTL passes.")]
    public static partial void SettleFailed(ILogger logger, Exception exception, string requestId, string userId, string reason);

    [LoggerMessage(EventId = 2005, EventName = "ChatCallRefused", Level = LogLevel.Information,
        Message = "TokenQuota refused a chat call of user {UserId} ({Reason}): {Message}")]
    public static partial void Refused(ILogger logger, string userId, string reason, string message);

    [LoggerMessage(EventId = 2006, EventName = "ChatOutputClamped", Level = LogLevel.Debug,
        Message = "Lowered MaxOutputTokens of a chat call of user {UserId} from {Requested} to {Reserved}, the output allowance left.")]
    public static partial void Clamped(ILogger logger, string userId, long requested, long reserved);

    [LoggerMessage(EventId = 2007, EventName = "ChatCommittedAfterRelease", Level = LogLevel.Warning,
        Message = "Reservation {RequestId} of user {UserId} was released (its cancellation token fired) before the usage was committed; the usage was recorded directly.")]
    public static partial void RecordedAfterRelease(ILogger logger, string requestId, string userId);
}
