namespace TokenQuota.Storage;

/// <summary>
/// A counter that a step reads and writes beside the user's own: one kept for a team or an organisation the user
/// belongs to, under that subject's id, so that every member's step charges the same row.
/// </summary>
/// <param name="Subject">The subject's counter id (opaque to the store; it never equals a user id).</param>
/// <param name="Key">The counter key (<see cref="StoredLimitCounter.Key"/>).</param>
public readonly record struct SharedCounterKey(string Subject, string Key);
