namespace TokenQuota.Sqlite;

/// <summary>A reservation row as the writer reads it: its owner, period, whether it is still held, expiry and amounts.</summary>
internal readonly record struct StoredReservation(string UserId, string Period, bool IsHeld, long ExpiresAt, long InputTokens, long OutputTokens);
