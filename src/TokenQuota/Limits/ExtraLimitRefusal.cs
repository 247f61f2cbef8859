namespace TokenQuota;

/// <summary>
/// Why extra limits refused a request: the binding limit, the message that names it, when to retry and, for a limit on
/// output tokens, total tokens or cost, the most output tokens the same call could ask of it now.
/// </summary>
internal sealed record ExtraLimitRefusal(QuotaLimit Limit, string Message, DateTimeOffset? ResetsAt, TimeSpan? RetryAfter, long? OutputTokensThatFit = null)
{
    /// <summary>Gets the level of the binding limit: the user's own, their team's or their organisation's.</summary>
    public QuotaSubjectLevel Level { get; init; }

    /// <summary>Gets the name of the team or organisation whose limit binds; <see langword="null"/> for the user's own.</summary>
    public string? SubjectName { get; init; }
}
