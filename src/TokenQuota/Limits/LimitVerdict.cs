namespace TokenQuota;

/// <summary>
/// The outcome of <see cref="LimitRule.Judge"/>: admitted (every limit allows; <see cref="Counters"/> are the states to
/// store), or refused by the binding limit, with its figures, when it resets and how long to wait.
/// </summary>
/// <param name="Admitted">Whether every limit allows the request.</param>
/// <param name="Binding">The index of the binding limit among the charges (refused: the one whose wait is longest), or -1.</param>
/// <param name="Counters">The counters after the charge, in the order of the charges; unchanged when refused.</param>
/// <param name="Figures">Each limit's figures after the decision, in the order of the charges.</param>
/// <param name="RetryAfter">The wait after which the binding limit admits the request; <see langword="null"/> when admitted or when waiting cannot help.</param>
internal sealed record LimitVerdict(bool Admitted, int Binding, IReadOnlyList<LimitCounter> Counters, IReadOnlyList<LimitFigures> Figures, TimeSpan? RetryAfter);
