namespace TokenQuota;

/// <summary>The names of meters, windows and algorithms on the wire, in the CLI and in messages (the seed's snake_case).</summary>
internal static class LimitNames
{
    private static readonly string[] Meters = ["prompts", "config_changes", "input_tokens", "output_tokens", "total_tokens", "in_flight", "cost"];
    private static readonly string[] Windows = ["minute", "hour", "day", "week", "month", "year"];
    private static readonly string[] Algorithms = ["fixed_window", "token_bucket", "sliding_window"];

    public static string AllMeters => string.Join(", ", Meters);

    public static string AllWindows => string.Join(", ", Windows);

    public static string AllAlgorithms => string.Join(", ", Algorithms);

    public static string Of(QuotaMeter meter) => Meters[(int)meter];

    public static string Of(QuotaWindow window) => Windows[(int)window];

    public static string Of(LimitAlgorithm algorithm) => Algorithms[(int)algorithm];

    public static bool TryParse(string? text, out QuotaMeter meter) => TryFind(Meters, text, out meter);

    public static bool TryParse(string? text, out QuotaWindow window) => TryFind(Windows, text, out window);

    public static bool TryParse(string? text, out LimitAlgorithm algorithm) => TryFind(Algorithms, text, out algorithm);

    private static bool TryFind<T>(string[] names, string? text, out T value)
        where T : struct, Enum
    {
        var index = text is null ? -1 : Array.FindIndex(names, n => string.Equals(n, text.Trim(), StringComparison.OrdinalIgnoreCase));
        value = index < 0 ? default : (T)Enum.ToObject(typeof(T), index);
        return index >= 0;
    }
}
