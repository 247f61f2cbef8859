using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace TokenQuota.Cli.Commands;

/// <summary><c>tokenquota usage</c>: each user's token usage in one month, or with <c>--by model</c> the usage and cost per model.</summary>
internal static class UsageCommand
{
    private static readonly Dictionary<string, UsageSortOrder> SortOrders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["input"] = UsageSortOrder.InputTokens,
        ["output"] = UsageSortOrder.OutputTokens,
        ["total"] = UsageSortOrder.TotalTokens,
        ["user"] = UsageSortOrder.UserId,
    };

    public static Command Create(CliContext cli)
    {
        var period = new Option<QuotaPeriod?>("--period")
        {
            Description = "The month, YYYY-MM (UTC). Defaults to the current UTC month.",
            HelpName = "YYYY-MM",
            CustomParser = ParsePeriod,
        };
        var sort = new Option<string>("--sort")
        {
            Description = "The order: input, output or total (largest first), or user (by user id).",
            DefaultValueFactory = _ => "total",
        };
        sort.AcceptOnlyFromAmong([.. SortOrders.Keys]);
        var offset = CommonOptions.Offset();
        var limit = CommonOptions.Limit();
        var by = new Option<string>("--by")
        {
            Description = "Break the usage down: 'model' lists each user's calls, tokens and cost per model, and the totals per model.",
            HelpName = "model",
        };
        by.AcceptOnlyFromAmong(UsageByModel.By);
        var user = new Option<string>("--user")
        {
            Description = "With --by model: only this user's rows.",
            HelpName = "user-id",
        };
        var csv = new Option<bool>("--csv")
        {
            Description = "With --by model: write the rows as CSV (the same file as GET /admin/usage/models.csv) instead of a table.",
        };
        var command = new Command("usage", "List each user's token usage in one month, sorted and paged; with --by model, the usage and cost per model.")
        {
            period, sort, offset, limit, by, user, csv,
        };
        cli.SetAction(command, async run =>
        {
            var month = run.Get(period) ?? QuotaPeriod.Current(TimeProvider.System);
            if (run.Get(by) is not null)
            {
                // The paging and order of the usage by user mean nothing for the usage by model: say so rather than ignore them.
                if (new Option[] { sort, offset, limit }.FirstOrDefault(run.Given) is { } paging)
                {
                    throw new CliUsageException($"{paging.Name} applies to the usage by user; --by model lists every row, the costliest first.");
                }

                var userId = run.Get(user) is { } id ? CommonOptions.ValidUserId(id) : null;
                await UsageByModel.RunAsync(run, month, userId, run.Get(csv)).ConfigureAwait(false);
                return;
            }

            if (new Option[] { user, csv }.FirstOrDefault(run.Given) is { } byModelOnly)
            {
                throw new CliUsageException($"{byModelOnly.Name} needs --by model.");
            }

            var sortName = run.Get(sort)!.ToLowerInvariant();
            var page = await run.Services.Reports.GetUsageAsync(month, SortOrders[sortName], run.Get(offset), run.Get(limit), run.CancellationToken).ConfigureAwait(false);
            var totals = (await run.Services.Reports.GetPeriodTotalsAsync(run.CancellationToken).ConfigureAwait(false))
                .FirstOrDefault(t => t.Period == month.Key);
            var result = new UsageResult(month.Key, sortName, page.TotalCount, page.Offset, page.Limit, page.Items, totals);
            run.Write(result, output => WriteText(output, result));
        });
        return command;
    }

    private static QuotaPeriod? ParsePeriod(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        if (QuotaPeriod.TryParse(text.Trim(), out var period))
        {
            return period;
        }

        result.AddError($"Invalid period '{text}' for --period: use YYYY-MM with a four-digit year and a month from 01 to 12, for example 2025-12.");
        return null;
    }

    private static void WriteText(TextWriter output, UsageResult result)
    {
        if (result.TotalCount == 0)
        {
            output.WriteLine($"No usage recorded in {result.Period}.");
            return;
        }

        var table = new TableWriter("USER", "INPUT TOKENS>", "OUTPUT TOKENS>", "TOTAL TOKENS>", "FIRST USE", "LAST USE");
        foreach (var u in result.Items)
        {
            table.AddRow(u.UserId, Format.Number(u.InputTokens), Format.Number(u.OutputTokens), Format.Number(u.TotalTokens), Format.Time(u.FirstUsageAt), Format.Time(u.LastUsageAt));
        }

        table.Write(output);
        output.WriteLine();
        output.WriteLine(result.Items.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"No rows at offset {result.Offset}; {Format.Users(result.TotalCount)} recorded usage in {result.Period}.")
            : string.Create(CultureInfo.InvariantCulture, $"Rows {result.Offset + 1}-{result.Offset + result.Items.Count} of {Format.Number(result.TotalCount)}, {result.Period}, sorted by {result.Sort}."));
        if (result.Totals is { } t)
        {
            output.WriteLine($"Month total: {Format.Number(t.InputTokens)} input, {Format.Number(t.OutputTokens)} output, {Format.Number(t.TotalTokens)} tokens by {Format.Users(t.Users)}.");
        }
    }

    /// <summary>The JSON result of <c>usage</c>.</summary>
    internal sealed record UsageResult(string Period, string Sort, long TotalCount, int Offset, int Limit, IReadOnlyList<UserUsage> Items, PeriodUsageTotals? Totals);
}
