using System.Globalization;

namespace TokenQuota;

/// <summary>
/// Writes usage by model as RFC 4180 CSV: one header row, CRLF line ends, a field quoted only when it holds a comma,
/// a quote or a line break (its quotes doubled). Shared by the HTTP export and the CLI so both write the same file;
/// it lives in the core because the CLI does not reference the ASP.NET Core package.
/// </summary>
internal static class ModelUsageCsv
{
    /// <summary>The header row's column names, in order.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["user_id", "period", "model", "calls", "input_tokens", "cached_input_tokens", "output_tokens", "reasoning_tokens", "cost"];

    /// <summary>Writes the header and one row per item; cost is the plain decimal amount of the currency (<see cref="Money.FormatAmount"/>).</summary>
    /// <param name="output">Where the CSV goes.</param>
    /// <param name="rows">The rows, written in their order; a total's missing user id is an empty field.</param>
    public static void Write(TextWriter output, IEnumerable<ModelUsage> rows)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(rows);
        WriteRow(output, Columns);
        foreach (var row in rows)
        {
            WriteRow(output,
            [
                row.UserId ?? string.Empty,
                row.Period,
                row.ModelId,
                Number(row.Calls),
                Number(row.InputTokens),
                Number(row.CachedInputTokens),
                Number(row.OutputTokens),
                Number(row.ReasoningTokens),
                Money.FormatAmount(row.CostNanoUnits),
            ]);
        }
    }

    /// <summary>The CSV text of <paramref name="rows"/>, as <see cref="Write"/> writes it.</summary>
    /// <param name="rows">The rows.</param>
    public static string ToText(IEnumerable<ModelUsage> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        Write(text, rows);
        return text.ToString();
    }

    /// <summary>One field as RFC 4180 has it: as is, or quoted with its quotes doubled when it must be.</summary>
    /// <param name="value">The field's text.</param>
    public static string Escape(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void WriteRow(TextWriter output, IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                output.Write(',');
            }

            output.Write(Escape(fields[i]));
        }

        // RFC 4180 ends every record with CRLF, whatever the platform's newline.
        output.Write("\r\n");
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
