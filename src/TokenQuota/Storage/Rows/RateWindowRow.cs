namespace TokenQuota.Storage;

/// <summary>A stored rate-window counter, for store implementations.</summary>
public sealed class RateWindowRow
{
    /// <summary>Gets or sets the window key.</summary>
    public string WindowKey { get; set; } = string.Empty;

    /// <summary>Gets or sets the window start in Unix seconds.</summary>
    public long WindowStart { get; set; }

    /// <summary>Gets or sets the count in that window.</summary>
    public long RequestCount { get; set; }

    /// <summary>
    /// Reads each window's current count from a user's stored counters (a counter of another window start counts as
    /// zero) and applies <see cref="RateWindowCharge.AdmitAll"/>.
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
            var count = 0L;
            foreach (var row in stored)
            {
                if (row.WindowKey == windows[i].Key && row.WindowStart == windows[i].WindowStart)
                {
                    count = row.RequestCount;
                }
            }

            counts[i] = (int)count;
        }

        return RateWindowCharge.AdmitAll(windows, counts);
    }
}
