using TokenQuota.Storage;

namespace TokenQuota.Relational;

/// <summary>The judge-and-charge rule of <see cref="IQuotaStore.TryChargeRateWindowsAsync"/>, shared by every SQL store.</summary>
internal static class RateWindowRules
{
    /// <summary>
    /// Whether a charge was resolved against another configuration than the store's <paramref name="version"/>: then the
    /// store refuses it, writing nothing, and the core resolves again.
    /// </summary>
    public static bool IsStale(IReadOnlyList<RateWindowCharge> windows, long version)
    {
        foreach (var window in windows)
        {
            if (window.ConfigurationVersion != version)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Admits the request only if every window's current count plus one is at most its limit.</summary>
    /// <param name="windows">The windows of the request.</param>
    /// <param name="counts">Each window's current count, in the same order.</param>
    /// <returns>Whether every window admits one more.</returns>
    public static bool AdmitAll(IReadOnlyList<RateWindowCharge> windows, IReadOnlyList<int> counts)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(counts);
        for (var i = 0; i < windows.Count; i++)
        {
            if (counts[i] + 1L > windows[i].Limit)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Reads each window's current count from a user's stored counters (a counter of another window start counts as
    /// zero) and applies <see cref="AdmitAll"/>.
    /// </summary>
    /// <param name="stored">The user's stored counters.</param>
    /// <param name="windows">The windows to judge.</param>
    /// <param name="counts">Receives each window's current count.</param>
    /// <returns>Whether all windows admit the request.</returns>
    public static bool Judge(IReadOnlyList<RateWindowRow> stored, IReadOnlyList<RateWindowCharge> windows, int[] counts)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(counts);
        for (var i = 0; i < windows.Count; i++)
        {
            var key = RateWindows.StoredKey(windows[i].Window);
            var count = 0L;
            foreach (var row in stored)
            {
                if (row.WindowKey == key && row.WindowStart == windows[i].WindowStart)
                {
                    count = row.RequestCount;
                }
            }

            counts[i] = (int)count;
        }

        return AdmitAll(windows, counts);
    }

    /// <summary>
    /// Charges one unit to each window in a user's counters held in memory, as the stores' insert-or-update statements
    /// do in the database: a counter of the same start goes up by one, one of another start (or none) begins at 1.
    /// </summary>
    /// <param name="stored">The user's counters, changed in place.</param>
    /// <param name="windows">The windows of an admitted request.</param>
    public static void Charge(List<RateWindowRow> stored, IReadOnlyList<RateWindowCharge> windows)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(windows);
        foreach (var window in windows)
        {
            var key = RateWindows.StoredKey(window.Window);
            var row = stored.Find(r => r.WindowKey == key);
            if (row is null)
            {
                stored.Add(new RateWindowRow { WindowKey = key, WindowStart = window.WindowStart, RequestCount = 1 });
            }
            else
            {
                row.RequestCount = row.WindowStart == window.WindowStart ? row.RequestCount + 1 : 1;
                row.WindowStart = window.WindowStart;
            }
        }
    }
}
