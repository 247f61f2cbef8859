namespace TokenQuota;

/// <summary>One window of a <see cref="QuotaCalendar"/>: where it starts, where it ends (its reset), and its key.</summary>
/// <param name="Window">The kind of window.</param>
/// <param name="Start">The first instant of the window.</param>
/// <param name="End">The first instant after it: when its usage stops counting (<c>resets_at</c>).</param>
/// <param name="Key">
/// The window's key: with the default calendar a month is the seed's <c>YYYY-MM</c>; other day-or-longer windows are
/// keyed by their local start date, <c>YYYY-MM-DD</c>; minutes and hours by their UTC start, <c>YYYY-MM-DDTHH:mmZ</c>.
/// </param>
public readonly record struct QuotaWindowBounds(QuotaWindow Window, DateTimeOffset Start, DateTimeOffset End, string Key)
{
    /// <summary>Gets the window's length: 23 or 25 hours for a local day when daylight saving time changes.</summary>
    public TimeSpan Duration => End - Start;

    /// <summary>Whether <paramref name="instant"/> falls in the window (start inclusive, end exclusive).</summary>
    /// <param name="instant">Any instant.</param>
    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;
}
