namespace TokenQuota.Cli;

/// <summary>An operation the database's state refuses, found by the tool itself (exit code 2), such as removing a price it does not hold.</summary>
internal sealed class CliRefusedException(string message) : Exception(message);
