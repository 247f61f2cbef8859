using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace TokenQuota.Sqlite;

/// <summary>
/// One statement prepared once on a long-lived connection and then only rebound, stepped and reset, straight through
/// SQLitePCLRaw (<c>bind</c>/<c>step</c>/<c>reset</c> on a kept <c>sqlite3_stmt</c>): no command, parameter or reader
/// object per call. Used on the writer, where every microsecond is paid by every queued caller. Errors are raised as the
/// <see cref="SqliteException"/> Microsoft.Data.Sqlite would raise, so failure handling is the same on both paths.
/// </summary>
internal sealed class SqliteRawStatement : IDisposable
{
    private readonly sqlite3 database;
    private readonly sqlite3_stmt statement;

    /// <param name="connection">The open connection that owns the statement.</param>
    /// <param name="sql">One SQL statement.</param>
    /// <param name="parameterNames">The statement's parameters in binding order (1, 2, …), checked once here.</param>
    public SqliteRawStatement(SqliteConnection connection, string sql, params ReadOnlySpan<string> parameterNames)
    {
        database = connection.Handle!;
        var rc = raw.sqlite3_prepare_v3(database, sql, raw.SQLITE_PREPARE_PERSISTENT, out statement);
        SqliteException.ThrowExceptionForRC(rc, database);
        var count = raw.sqlite3_bind_parameter_count(statement);
        var matches = count == parameterNames.Length;
        for (var i = 0; matches && i < count; i++)
        {
            matches = raw.sqlite3_bind_parameter_name(statement, i + 1).utf8_to_string() == parameterNames[i];
        }

        if (!matches)
        {
            statement.Dispose();
            throw new InvalidOperationException($"The statement's parameters are not bound in the expected order ({string.Join(", ", parameterNames.ToArray())}): {sql}");
        }
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(statement, index, value));

    /// <summary>Binds a value, or SQL NULL when it has none.</summary>
    public void Bind(int index, long? value) => Check(value is { } v ? raw.sqlite3_bind_int64(statement, index, v) : raw.sqlite3_bind_null(statement, index));

    public void Bind(int index, string value) => Check(raw.sqlite3_bind_text16(statement, index, value.AsSpan()));

    /// <summary>Binds a text, or SQL NULL when there is none.</summary>
    public void BindText(int index, string? value) => Check(value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text16(statement, index, value.AsSpan()));

    /// <summary>Steps once: <see langword="true"/> when a row is available, <see langword="false"/> when done.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc == raw.SQLITE_DONE)
        {
            return false;
        }

        // The error code of a failed step is reported by reset (and by the connection's errcode/errmsg).
        raw.sqlite3_reset(statement);
        SqliteException.ThrowExceptionForRC(rc, database);
        return false;
    }

    public long Int64(int column) => raw.sqlite3_column_int64(statement, column);

    public string Text(int column) => raw.sqlite3_column_text(statement, column).utf8_to_string();

    public bool IsNull(int column) => raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL;

    /// <summary>Resets the statement (ending its read of the database), keeping it prepared.</summary>
    public void Reset() => raw.sqlite3_reset(statement);

    /// <summary>Runs the statement to completion and resets it; returns the number of rows it changed.</summary>
    public int Execute()
    {
        try
        {
            while (Step())
            {
            }

            return raw.sqlite3_changes(database);
        }
        finally
        {
            Reset();
        }
    }

    public void Dispose() => statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, database);
        }
    }
}
