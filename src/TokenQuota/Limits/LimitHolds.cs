using System.Globalization;

namespace TokenQuota;

/// <summary>
/// What a live reservation holds against each extra limit, as the text a store keeps beside it: one line per limit,
/// <c>units key</c> (counter keys hold no whitespace).
/// </summary>
internal static class LimitHolds
{
    public static string Format(IReadOnlyList<string> keys, IReadOnlyList<long> units) =>
        string.Join('\n', keys.Select((key, i) => string.Create(CultureInfo.InvariantCulture, $"{units[i]} {key}")));

    /// <summary>The units held per counter key by the live reservations whose hold texts are given.</summary>
    public static Dictionary<string, long> Sum(IEnumerable<string> holds)
    {
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in holds)
        {
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                var units = long.Parse(line.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture);
                var key = line[(space + 1)..];
                sums[key] = checked(sums.GetValueOrDefault(key) + units);
            }
        }

        return sums;
    }
}
