namespace TokenQuota.Storage;

/// <summary>
/// A call's usage of one model, added to the user's row for its month and model in the same transaction as the usage
/// itself (<see cref="LimitCounterUpdate.Usage"/>).
/// </summary>
/// <param name="Period">The month's key (<see cref="QuotaPeriod.Key"/>).</param>
/// <param name="ModelId">The model id, lower-cased.</param>
/// <param name="InputTokens">The input tokens, cached ones included.</param>
/// <param name="CachedInputTokens">The input tokens served from the provider's cache.</param>
/// <param name="OutputTokens">The output tokens, reasoning ones included.</param>
/// <param name="ReasoningTokens">The output tokens spent reasoning.</param>
/// <param name="CostNanoUnits">The call's cost in nano-units (0 for an unpriced model).</param>
public sealed record ModelUsageCharge(string Period, string ModelId, long InputTokens, long CachedInputTokens, long OutputTokens, long ReasoningTokens, long CostNanoUnits);
