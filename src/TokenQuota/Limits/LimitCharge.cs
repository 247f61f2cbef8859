namespace TokenQuota;

/// <summary>One limit of a request to judge: the limit, the window it is judged in, the units asked and what the store holds.</summary>
/// <param name="Limit">The limit.</param>
/// <param name="Bounds">The window of the limit's calendar that contains the request; <see langword="null"/> for an in-flight limit.</param>
/// <param name="Units">The units the request asks of the limit's meter.</param>
/// <param name="Counter">What the store holds for the limit: its count in the window (fixed window, in flight), its bucket state or its log.</param>
internal readonly record struct LimitCharge(QuotaLimit Limit, QuotaWindowBounds? Bounds, long Units, LimitCounter Counter);
