namespace TokenQuota;

/// <summary>
/// Why extra limits refused a request: the binding limit, the message that names it, when to retry and, for a limit on
/// output tokens, total tokens or cost, the most output tokens the same call could ask of it now.
/// </summary>
internal sealed record ExtraLimitRefusal(QuotaLimit Limit, string Message, DateTimeOffset? ResetsAt, TimeSpan? RetryAfter, long? OutputTokensThatFit = null);
