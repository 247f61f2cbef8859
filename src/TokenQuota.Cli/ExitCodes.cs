namespace TokenQuota.Cli;

/// <summary>The exit codes of <c>tokenquota</c>, documented in docs/operating.md.</summary>
internal static class ExitCodes
{
    /// <summary>The command succeeded.</summary>
    public const int Success = 0;

    /// <summary>
    /// The command line is wrong: unknown option or command, missing or malformed argument, unknown profile name,
    /// malformed period, unreadable or invalid ids file, missing database file. Nothing was changed.
    /// </summary>
    public const int UsageError = 1;

    /// <summary>
    /// The library refused the operation (validation, name conflict, refused delete/deactivate/assign, unknown profile
    /// id) or the store failed (unreadable, locked, corrupt or newer database). Nothing was changed.
    /// </summary>
    public const int Refused = 2;

    /// <summary>The command was cancelled (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
