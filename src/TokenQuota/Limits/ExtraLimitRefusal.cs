namespace TokenQuota;

/// <summary>Why extra limits refused a request: the binding limit, the message that names it and when to retry.</summary>
internal sealed record ExtraLimitRefusal(QuotaLimit Limit, string Message, DateTimeOffset? ResetsAt, TimeSpan? RetryAfter);
