using System.CommandLine;
using System.Globalization;

namespace TokenQuota.Cli.Commands;

/// <summary><c>tokenquota audit</c>: the audit log of administrative changes, newest first.</summary>
internal static class AuditCommand
{
    public static Command Create(CliContext cli)
    {
        var from = CommonOptions.Instant("--from", "The earliest time included (ISO 8601; a date alone is midnight UTC).");
        var to = CommonOptions.Instant("--to", "The time before which entries are included (exclusive).");
        var actor = new Option<string>("--actor") { Description = "Only entries by this actor, for example cli:alice." };
        var action = new Option<string>("--action") { Description = "Only this action, for example profile.create, user.assign, maintenance.assign_unlimited." };
        var target = new Option<string>("--target") { Description = "Only this target, for example profile:3 or user:alice." };
        var offset = CommonOptions.Offset();
        var limit = CommonOptions.Limit();
        var command = new Command("audit", "Read the audit log of administrative changes, newest first, filtered and paged.")
        {
            from, to, actor, action, target, offset, limit,
        };
        cli.SetAction(command, async run =>
        {
            var fromValue = run.Get(from);
            var toValue = run.Get(to);
            if (fromValue is { } f && toValue is { } t && t < f)
            {
                throw new CliUsageException($"--to ({Format.Time(t)}) is before --from ({Format.Time(f)}).");
            }

            var query = new QuotaAuditQuery
            {
                From = fromValue,
                To = toValue,
                Actor = run.Get(actor),
                Action = run.Get(action),
                Target = run.Get(target),
                Offset = run.Get(offset),
                Limit = run.Get(limit),
            };
            var page = await run.Profiles.QueryAuditLogAsync(query, run.CancellationToken).ConfigureAwait(false);
            var result = new AuditResult(
                page.TotalCount,
                page.Offset,
                page.Limit,
                [.. page.Items.Select(e => new AuditItem(e.Id, e.OccurredAt, e.Actor, e.Action, e.Target, JsonOutput.Embed(e.Before), JsonOutput.Embed(e.After)))]);
            run.Write(result, output => WriteText(output, result));
        });
        return command;
    }

    private static void WriteText(TextWriter output, AuditResult result)
    {
        if (result.TotalCount == 0)
        {
            output.WriteLine("No audit entries match.");
            return;
        }

        var table = new TableWriter("ID>", "TIME", "ACTOR", "ACTION", "TARGET");
        foreach (var e in result.Items)
        {
            table.AddRow(e.Id.ToString(CultureInfo.InvariantCulture), Format.Time(e.OccurredAt), e.Actor ?? "-", e.Action, e.Target);
        }

        table.Write(output);
        output.WriteLine();
        output.WriteLine(result.Items.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"No entries at offset {result.Offset}; {Format.Number(result.TotalCount)} match.")
            : string.Create(CultureInfo.InvariantCulture, $"Entries {result.Offset + 1}-{result.Offset + result.Items.Count} of {Format.Number(result.TotalCount)}, newest first. Use --json for the before/after of each change."));
    }

    /// <summary>The JSON result of <c>audit</c>.</summary>
    internal sealed record AuditResult(long TotalCount, int Offset, int Limit, IReadOnlyList<AuditItem> Items);

    /// <summary>One audit entry in the JSON result, its before/after embedded as JSON.</summary>
    internal sealed record AuditItem(long Id, DateTimeOffset OccurredAt, string? Actor, string Action, string Target, object? Before, object? After);
}
