using System.Globalization;

namespace TokenQuota.Samples.ConsoleHost;

/// <summary>Prints each user's quota status as a table with text usage bars, flagging usage past 80%.</summary>
internal static class StatusTable
{
    public const double WarningPercentage = 80.0;
    private const int BarWidth = 10;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Print(IReadOnlyList<(string UserId, QuotaStatus Status)> rows)
    {
        var userWidth = Math.Max("User".Length, rows.Max(r => r.UserId.Length));
        var profileWidth = Math.Max("Profile".Length, rows.Max(r => (r.Status.ProfileName ?? "(none)").Length));
        var period = rows.Count > 0 ? rows[0].Status.Period : "";

        Console.WriteLine($"{"User".PadRight(userWidth)}  {"Profile".PadRight(profileWidth)}  {"Input tokens this month (" + period + ")",-44}  Output tokens this month");
        Console.WriteLine(new string('-', userWidth + profileWidth + 4 + 44 + 2 + 44));
        foreach (var (userId, status) in rows)
        {
            Console.WriteLine(string.Join(
                "  ",
                userId.PadRight(userWidth),
                (status.ProfileName ?? "(none)").PadRight(profileWidth),
                Cell(status.InputTokens).PadRight(44),
                Cell(status.OutputTokens)));
        }

        Console.WriteLine($"'!' marks usage past {WarningPercentage.ToString(Invariant)}% of the monthly limit. Usage resets at {rows[0].Status.ResetsAt.ToString("yyyy-MM-dd HH:mm", Invariant)} UTC.");
    }

    /// <summary>For example <c>[########--]     82,400 / 100,000    82.4% !</c>.</summary>
    private static string Cell(QuotaTokenStatus tokens)
    {
        if (tokens.Limit is not { } limit)
        {
            return string.Create(Invariant, $"[ no limit ]  {tokens.Used,9:N0} / unlimited");
        }

        var warning = tokens.PercentageUsed > WarningPercentage ? " !" : "";
        return string.Create(Invariant, $"{Bar(tokens.PercentageUsed)}  {tokens.Used,9:N0} / {limit,-9:N0} {tokens.PercentageUsed,5:0.0}%{warning}");
    }

    private static string Bar(double percentage)
    {
        var filled = (int)Math.Round(Math.Clamp(percentage, 0, 100) / 100 * BarWidth, MidpointRounding.AwayFromZero);
        return "[" + new string('#', filled) + new string('-', BarWidth - filled) + "]";
    }
}
