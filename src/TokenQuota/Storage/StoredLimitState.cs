namespace TokenQuota.Storage;

/// <summary>What a store holds for some of a user's extra limits: their counters and what the user's live reservations hold.</summary>
/// <param name="Counters">The stored counters among the keys asked for (a key never charged has none), in no particular order.</param>
/// <param name="LiveHolds">The hold text of each of the user's live reservations that meets extra limits (see <see cref="ReservationLimitCheck.Holds"/>).</param>
public sealed record StoredLimitState(IReadOnlyList<StoredLimitCounter> Counters, IReadOnlyList<string> LiveHolds);
