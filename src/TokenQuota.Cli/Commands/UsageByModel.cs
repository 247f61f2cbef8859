namespace TokenQuota.Cli.Commands;

/// <summary>
/// <c>tokenquota usage --by model</c>: a month's calls, tokens and cost per user and model, and (for every user) the
/// totals per model, as a table, JSON or the CSV of the HTTP export.
/// </summary>
internal static class UsageByModel
{
    /// <summary>The values <c>--by</c> accepts.</summary>
    public static readonly string[] By = ["model"];

    /// <summary>Reads and writes the usage by model.</summary>
    /// <param name="run">The running command.</param>
    /// <param name="period">The month.</param>
    /// <param name="userId">One user (a valid id), or <see langword="null"/> for every user and the totals per model.</param>
    /// <param name="csv">Whether to write the rows as CSV.</param>
    public static async Task RunAsync(CommandRun run, QuotaPeriod period, string? userId, bool csv)
    {
        if (csv && run.Json)
        {
            throw new CliUsageException("--csv and --json are two output formats; give one.");
        }

        var reports = run.Services.Reports;
        var rows = await reports.GetModelUsageAsync(period, userId, run.CancellationToken).ConfigureAwait(false);
        if (csv)
        {
            ModelUsageCsv.Write(run.Out, rows);
            return;
        }

        // One user's rows are already per model; the totals only add something over several users.
        var totals = userId is null ? await reports.GetModelTotalsAsync(period, run.CancellationToken).ConfigureAwait(false) : null;
        var result = new Result(period.Key, run.Services.Currency, userId, rows, totals);
        run.Write(result, output => WriteText(output, result));
    }

    private static void WriteText(TextWriter output, Result result)
    {
        if (result.Items.Count == 0)
        {
            output.WriteLine(result.UserId is null
                ? $"No usage by model recorded in {result.Period}."
                : $"No usage by model recorded for '{result.UserId}' in {result.Period}.");
            return;
        }

        WriteTable(output, result.Items, result.Currency, withUser: true);
        output.WriteLine();
        output.WriteLine($"Usage by user and model, {result.Period}, the costliest first; costs in {result.Currency}.");
        if (result.Totals is { } totals)
        {
            output.WriteLine();
            output.WriteLine($"Totals per model, {result.Period}:");
            WriteTable(output, totals, result.Currency, withUser: false);
            output.WriteLine();
            output.WriteLine($"Month total: {Format.Number(totals.Sum(t => t.Calls))} calls costing {Money.Format(totals.Sum(t => t.CostNanoUnits), result.Currency)}.");
        }
    }

    private static void WriteTable(TextWriter output, IEnumerable<ModelUsage> rows, string currency, bool withUser)
    {
        string[] headers = ["MODEL", "CALLS>", "INPUT>", "CACHED INPUT>", "OUTPUT>", "REASONING>", "COST>"];
        var table = new TableWriter(withUser ? ["USER", .. headers] : headers);
        foreach (var r in rows)
        {
            string[] cells =
            [
                r.ModelId,
                Format.Number(r.Calls),
                Format.Number(r.InputTokens),
                Format.Number(r.CachedInputTokens),
                Format.Number(r.OutputTokens),
                Format.Number(r.ReasoningTokens),
                Money.Format(r.CostNanoUnits, currency),
            ];
            table.AddRow(withUser ? [r.UserId ?? string.Empty, .. cells] : cells);
        }

        table.Write(output);
    }

    /// <summary>The JSON result of <c>usage --by model</c>: the rows, and without <c>--user</c> the totals per model.</summary>
    internal sealed record Result(string Period, string Currency, string? UserId, IReadOnlyList<ModelUsage> Items, IReadOnlyList<ModelUsage>? Totals);
}
