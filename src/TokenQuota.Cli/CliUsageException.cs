namespace TokenQuota.Cli;

/// <summary>A usage error found by the tool itself (exit code 1); the message names the offending value.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
