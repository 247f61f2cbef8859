namespace TokenQuota.Cli;

/// <summary>Writes rows as a plain-text table with aligned columns; numbers (flagged per column) are right-aligned.</summary>
internal sealed class TableWriter
{
    private readonly string[] headers;
    private readonly bool[] rightAligned;
    private readonly List<string[]> rows = [];

    /// <summary>Creates a table; a header ending with <c>&gt;</c> marks a right-aligned (numeric) column.</summary>
    /// <param name="headers">The column headers.</param>
    public TableWriter(params string[] headers)
    {
        this.headers = [.. headers.Select(h => h.TrimEnd('>'))];
        rightAligned = [.. headers.Select(h => h.EndsWith('>'))];
    }

    public int RowCount => rows.Count;

    public void AddRow(params string?[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"Expected {headers.Length} cells, got {cells.Length}.", nameof(cells));
        }

        rows.Add([.. cells.Select(c => c ?? string.Empty)]);
    }

    public void Write(TextWriter output)
    {
        var widths = new int[headers.Length];
        for (var i = 0; i < headers.Length; i++)
        {
            widths[i] = Math.Max(headers[i].Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length));
        }

        WriteLine(output, headers, widths);
        WriteLine(output, [.. widths.Select(w => new string('-', w))], widths);
        foreach (var row in rows)
        {
            WriteLine(output, row, widths);
        }
    }

    private void WriteLine(TextWriter output, string[] cells, int[] widths)
    {
        var parts = new string[cells.Length];
        for (var i = 0; i < cells.Length; i++)
        {
            parts[i] = rightAligned[i] ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i]);
        }

        output.WriteLine(string.Join("  ", parts).TrimEnd());
    }
}
