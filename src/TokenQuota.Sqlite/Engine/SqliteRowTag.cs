namespace TokenQuota.Sqlite;

/// <summary>
/// The tag in column 0 of the rows that <see cref="SqliteSql.SelectTwoRateWindows"/> and
/// <see cref="SqliteSql.SelectPromptWindows"/> return: one statement reads a user's windows and the configuration
/// version together, and the tag says which row is which (the SQL writes the same numbers).
/// </summary>
internal static class SqliteRowTag
{
    /// <summary>The window bound to the first key (?2).</summary>
    public const long FirstWindow = 0;

    /// <summary>The window bound to the second key (?3).</summary>
    public const long SecondWindow = 1;

    /// <summary>The configuration version, in column 1.</summary>
    public const long ConfigurationVersion = 2;

    /// <summary>Another window of the user, not asked for (skipped).</summary>
    public const long OtherWindow = 3;

    /// <summary>The user's prompt row: hourly start and count, daily start and count in columns 1–4.</summary>
    public const long PromptWindows = 4;
}
