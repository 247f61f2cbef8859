using System.Globalization;
using Microsoft.Data.Sqlite;

namespace TokenQuota.Cli.SeedImport;

/// <summary>
/// One row of a seed table, read column by column with the seed's loose SQLite typing checked: every value that
/// TokenQuota cannot take adds an error naming the table, the row id and the column, and the row is then left out.
/// </summary>
internal sealed class SeedRow
{
    private readonly SqliteDataReader reader;
    private readonly string table;
    private readonly List<string> errors;
    private bool valid = true;

    public SeedRow(SqliteDataReader reader, string table, List<string> errors, bool textId)
    {
        this.reader = reader;
        this.table = table;
        this.errors = errors;
        var id = reader.GetValue(reader.GetOrdinal("id"));
        TextId = Convert.ToString(id, CultureInfo.InvariantCulture) ?? string.Empty;
        if (textId)
        {
            CheckUserId("id", TextId);
        }
        else
        {
            Id = id is long number ? number : 0;
        }
    }

    /// <summary>Gets the row's integer id (tables whose id is a number).</summary>
    public long Id { get; }

    /// <summary>Gets the row's id as text (the users table, whose id is the user id).</summary>
    public string TextId { get; }

    /// <summary>Gets whether no column of the row has been refused so far.</summary>
    public bool IsValid => valid;

    /// <summary>Records that the row cannot be carried over, and why.</summary>
    /// <param name="message">The column and the reason.</param>
    public void Error(string message)
    {
        valid = false;
        errors.Add($"{table} row id {TextId}: {message}");
    }

    public string? Text(string column) => Value(column) switch
    {
        null => null,
        string text => text,
        var other => Convert.ToString(other, CultureInfo.InvariantCulture),
    };

    /// <summary>A 32-bit count that the seed declares NOT NULL.</summary>
    public int? Int32(string column)
    {
        var value = Int64(column);
        if (value is null)
        {
            if (valid)
            {
                Error($"{column}: NULL; a number is required.");
            }

            return null;
        }

        if (value is < int.MinValue or > int.MaxValue)
        {
            Error($"{column}: {value} is out of range (at most {int.MaxValue}).");
            return null;
        }

        return (int)value;
    }

    /// <summary>An integer, or <see langword="null"/> when NULL.</summary>
    public long? Int64(string column)
    {
        switch (Value(column))
        {
            case null:
                return null;
            case long number:
                return number;
            case var other:
                Error($"{column}: '{Convert.ToString(other, CultureInfo.InvariantCulture)}' is not an integer.");
                return null;
        }
    }

    /// <summary>A token counter: NULL reads as 0 (the seed's column default); negative values are refused.</summary>
    public long Count(string column)
    {
        var value = Int64(column) ?? 0;
        if (value < 0)
        {
            Error($"{column}: {value} is negative.");
        }

        return value;
    }

    /// <summary>A BOOLEAN column as SQLAlchemy stored it (0 or 1); <see langword="null"/> when NULL.</summary>
    public bool? Flag(string column)
    {
        switch (Value(column))
        {
            case null:
                return null;
            case long number and (0 or 1):
                return number == 1;
            case string text when bool.TryParse(text, out var flag):
                return flag;
            case var other:
                Error($"{column}: '{Convert.ToString(other, CultureInfo.InvariantCulture)}' is not a boolean (0 or 1).");
                return null;
        }
    }

    /// <summary>A TIMESTAMP column: text such as <c>2026-12-01 10:00:00.000000</c>, naive UTC as the seed wrote it.</summary>
    public DateTimeOffset? Time(string column)
    {
        switch (Value(column))
        {
            case null:
                return null;
            case string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time):
                return time;
            case var other:
                Error($"{column}: '{Convert.ToString(other, CultureInfo.InvariantCulture)}' is not a timestamp.");
                return null;
        }
    }

    /// <summary>A user id column: text (or a number, read as its digits) that TokenQuota accepts as a user id.</summary>
    public string? UserId(string column)
    {
        var userId = Text(column);
        return CheckUserId(column, userId) ? userId : null;
    }

    private bool CheckUserId(string column, string? userId)
    {
        try
        {
            UserIds.Validate(userId);
            return true;
        }
        catch (ArgumentException ex)
        {
            Error($"{column}: {UserIdFile.StripParamName(ex)}");
            return false;
        }
    }

    private object? Value(string column)
    {
        var value = reader.GetValue(reader.GetOrdinal(column));
        return value is DBNull ? null : value;
    }
}
