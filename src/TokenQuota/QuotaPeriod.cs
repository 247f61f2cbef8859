using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace TokenQuota;

/// <summary>
/// A quota period: one calendar month in UTC, written <c>YYYY-MM</c>. A new month is a new period; nothing resets.
/// </summary>
public readonly record struct QuotaPeriod : IComparable<QuotaPeriod>
{
    /// <summary>Creates the period of the given UTC year and month.</summary>
    /// <param name="year">The year, 1 to 9999.</param>
    /// <param name="month">The month, 1 to 12.</param>
    public QuotaPeriod(int year, int month)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9999);
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        Year = year;
        Month = month;
    }

    /// <summary>Gets the year.</summary>
    public int Year { get; }

    /// <summary>Gets the month, 1 to 12.</summary>
    public int Month { get; }

    /// <summary>Gets the period key, <c>YYYY-MM</c>, as stored in <c>user_token_usage.period</c>.</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");

    /// <summary>Gets the first instant of the period (midnight UTC on the first day of the month).</summary>
    public DateTimeOffset Start => new(Year, Month, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Gets the first instant after the period: the moment its limits reset.</summary>
    public DateTimeOffset End => Start.AddMonths(1);

    /// <summary>Gets the period that contains <paramref name="instant"/>, read in UTC.</summary>
    /// <param name="instant">Any instant; its offset is normalised to UTC first.</param>
    public static QuotaPeriod FromInstant(DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        return new QuotaPeriod(utc.Year, utc.Month);
    }

    /// <summary>Gets the current period according to <paramref name="timeProvider"/>.</summary>
    /// <param name="timeProvider">The clock to read.</param>
    public static QuotaPeriod Current(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return FromInstant(timeProvider.GetUtcNow());
    }

    /// <summary>Parses a <c>YYYY-MM</c> key.</summary>
    /// <param name="key">The key to parse, for example <c>2025-12</c>.</param>
    /// <exception cref="FormatException">The key is not a four-digit year, a dash and a month from 01 to 12.</exception>
    public static QuotaPeriod Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return TryParse(key, out var period)
            ? period
            : throw new FormatException($"'{key}' is not a period; use YYYY-MM with a month from 01 to 12, for example 2025-12.");
    }

    /// <summary>Tries to parse a <c>YYYY-MM</c> key.</summary>
    /// <param name="key">The key to parse.</param>
    /// <param name="period">The period, when the key is valid.</param>
    /// <returns><see langword="true"/> when <paramref name="key"/> is a valid period key.</returns>
    public static bool TryParse([NotNullWhen(true)] string? key, out QuotaPeriod period)
    {
        period = default;
        if (key is null || key.Length != 7 || key[4] != '-')
        {
            return false;
        }

        for (var i = 0; i < 7; i++)
        {
            if (i != 4 && !char.IsAsciiDigit(key[i]))
            {
                return false;
            }
        }

        var year = int.Parse(key.AsSpan(0, 4), CultureInfo.InvariantCulture);
        var month = int.Parse(key.AsSpan(5, 2), CultureInfo.InvariantCulture);
        if (year < 1 || month < 1 || month > 12)
        {
            return false;
        }

        period = new QuotaPeriod(year, month);
        return true;
    }

    /// <inheritdoc />
    public int CompareTo(QuotaPeriod other) => (Year, Month).CompareTo((other.Year, other.Month));

    /// <summary>Returns the period key, <c>YYYY-MM</c>.</summary>
    /// <returns>The key.</returns>
    public override string ToString() => Key;
}
