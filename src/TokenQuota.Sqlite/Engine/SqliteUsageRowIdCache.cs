namespace TokenQuota.Sqlite;

/// <summary>
/// The writer's memory of where each user's usage row of the current period is: its rowid, so a record updates the row
/// by rowid instead of looking it up through the <c>(period, user_id)</c> index first. The rowid is the one the user's first insert-or-add of the period returned. Only a hint:
/// every update by rowid also checks the row's user and period, and anything that does not match (a row removed or
/// replaced, by any process) falls back to the insert-or-add by key.
/// </summary>
/// <remarks>
/// Holds one period at a time (a record for another period starts it afresh) and at most <see cref="Capacity"/> users;
/// once full, further users of the period are recorded by key as before. Not thread-safe: the writer connection's own.
/// </remarks>
internal sealed class SqliteUsageRowIdCache
{
    /// <summary>The most users remembered (about 10 MB at most).</summary>
    public const int Capacity = 100_000;

    private readonly Dictionary<string, long> rowIds = new(StringComparer.Ordinal);
    private string? period;

    /// <summary>Gets whether a user not yet remembered for <paramref name="periodKey"/> would be.</summary>
    public bool HasRoomFor(string periodKey) => period != periodKey || rowIds.Count < Capacity;

    /// <summary>Looks up the rowid of a user's row in <paramref name="periodKey"/>.</summary>
    public bool TryGet(string userId, string periodKey, out long rowId)
    {
        if (period == periodKey)
        {
            return rowIds.TryGetValue(userId, out rowId);
        }

        rowId = 0;
        return false;
    }

    /// <summary>Remembers the rowid of a user's row in <paramref name="periodKey"/> (forgetting every other period's).</summary>
    public void Remember(string userId, string periodKey, long rowId)
    {
        if (period != periodKey)
        {
            rowIds.Clear();
            period = periodKey;
        }

        if (rowIds.Count < Capacity || rowIds.ContainsKey(userId))
        {
            rowIds[userId] = rowId;
        }
    }

    /// <summary>Forgets a user's rowid (it no longer matched the user's row).</summary>
    public void Forget(string userId) => rowIds.Remove(userId);
}
