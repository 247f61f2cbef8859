using System.Globalization;

namespace TokenQuota.Cli;

/// <summary>Formats figures for the human-readable output (invariant culture, thousands separators).</summary>
internal static class Format
{
    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Limit(long? limit) => limit is { } l ? Number(l) : "Unlimited";

    public static string YesNo(bool value) => value ? "yes" : "no";

    public static string Time(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Percent(double value) => value.ToString("0.0", CultureInfo.InvariantCulture) + "%";

    public static string Profile(ConsumptionProfile profile) =>
        string.Create(CultureInfo.InvariantCulture, $"'{profile.Name}' (id {profile.Id})");

    public static string Users(long count) => count == 1 ? "1 user" : Number(count) + " users";
}
