using System.Globalization;

namespace TokenQuota;

/// <summary>
/// Amounts of money as TokenQuota keeps them: whole nano-units (10⁻⁹ of the installation's currency) in a
/// <see cref="long"/>, never a floating-point number. A 64-bit total holds 9.2 billion currency units.
/// </summary>
public static class Money
{
    /// <summary>The nano-units in one unit of the currency.</summary>
    public const long NanoUnitsPerUnit = 1_000_000_000;

    /// <summary>The most decimals a price per million tokens may carry.</summary>
    public const int MaxPriceDecimals = 6;

    /// <summary>Converts an amount of the currency to nano-units, refusing more than nine decimals.</summary>
    /// <param name="amount">The amount, for example <c>4.25m</c>.</param>
    /// <returns>The amount in nano-units.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The amount has more than nine decimals or does not fit 64 bits of nano-units.</exception>
    public static long ToNanoUnits(decimal amount) =>
        TryToNanoUnits(amount, 9, out var nano, out var error) ? nano : throw new ArgumentOutOfRangeException(nameof(amount), amount, error);

    /// <summary>Converts nano-units to an amount of the currency (exact: a <see cref="decimal"/> holds every such value).</summary>
    /// <param name="nanoUnits">The amount in nano-units.</param>
    public static decimal FromNanoUnits(long nanoUnits) => nanoUnits / (decimal)NanoUnitsPerUnit;

    /// <summary>
    /// Writes an amount for people in the currency, with its symbol where one is well known (<c>$4.25</c>,
    /// <c>€0.000150</c>, <c>CHF 12.00</c>): at least two decimals, more only when the amount has them.
    /// </summary>
    /// <param name="nanoUnits">The amount in nano-units.</param>
    /// <param name="currency">An ISO 4217 code, for example <c>USD</c>.</param>
    public static string Format(long nanoUnits, string currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        var text = FormatPlain(nanoUnits, minDecimals: 2, grouped: true);
        var sign = text.StartsWith('-') ? "-" : string.Empty;
        var digits = sign.Length > 0 ? text[1..] : text;
        return CurrencyCodes.SymbolOf(currency) is { } symbol ? sign + symbol + digits : sign + currency.ToUpperInvariant() + " " + digits;
    }

    /// <summary>Writes nano-units as a plain decimal amount of the currency (<c>25</c>, <c>0.15</c>), the form limits and prices are written in.</summary>
    /// <param name="nanoUnits">The amount in nano-units.</param>
    public static string FormatAmount(long nanoUnits) => FormatPlain(nanoUnits, minDecimals: 0, grouped: false);

    /// <summary>Reads an amount of the currency written as a decimal (<c>25</c>, <c>0.000150</c>), into nano-units.</summary>
    /// <param name="text">The amount, without a currency symbol.</param>
    /// <param name="maxDecimals">The most decimals accepted (at most 9).</param>
    /// <param name="nanoUnits">The amount in nano-units.</param>
    /// <param name="error">Why the text is not such an amount, or <see langword="null"/>.</param>
    /// <returns>Whether the text is an amount.</returns>
    public static bool TryParse(string? text, int maxDecimals, out long nanoUnits, out string? error)
    {
        nanoUnits = 0;
        if (maxDecimals is < 0 or > 9)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDecimals), maxDecimals, "Between 0 and 9 decimals.");
        }

        if (string.IsNullOrWhiteSpace(text)
            || !decimal.TryParse(text.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            error = $"'{text}' is not an amount; write a decimal number such as 0.15.";
            return false;
        }

        return TryToNanoUnits(value, maxDecimals, out nanoUnits, out error);
    }

    /// <summary>Converts <paramref name="amount"/> to nano-units when it has at most <paramref name="maxDecimals"/> decimals and fits.</summary>
    internal static bool TryToNanoUnits(decimal amount, int maxDecimals, out long nanoUnits, out string? error)
    {
        nanoUnits = 0;
        if (decimal.Round(amount, maxDecimals) != amount)
        {
            error = $"{amount.ToString(CultureInfo.InvariantCulture)} has more than {maxDecimals} decimals.";
            return false;
        }

        if (Math.Abs(amount) > MaxUnits)
        {
            error = $"{amount.ToString(CultureInfo.InvariantCulture)} is too large; amounts are kept in 64-bit nano-units (at most {FormatAmount(long.MaxValue)}).";
            return false;
        }

        nanoUnits = (long)(amount * NanoUnitsPerUnit);
        error = null;
        return true;
    }

    private static readonly decimal MaxUnits = FromNanoUnits(long.MaxValue);

    private static string FormatPlain(long nanoUnits, int minDecimals, bool grouped)
    {
        var negative = nanoUnits < 0;
        var magnitude = negative ? -(Int128)nanoUnits : nanoUnits;
        var whole = (long)(magnitude / NanoUnitsPerUnit);
        var fraction = ((long)(magnitude % NanoUnitsPerUnit)).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        if (fraction.Length < minDecimals)
        {
            fraction = fraction.PadRight(minDecimals, '0');
        }

        var wholeText = whole.ToString(grouped ? "N0" : "D", CultureInfo.InvariantCulture);
        return (negative ? "-" : string.Empty) + wholeText + (fraction.Length > 0 ? "." + fraction : string.Empty);
    }
}
