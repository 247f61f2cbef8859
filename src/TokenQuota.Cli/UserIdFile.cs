using System.Globalization;

namespace TokenQuota.Cli;

/// <summary>
/// Reads a file of user ids, one per line. Lines are trimmed and blank lines ignored; an empty file, a duplicate id
/// or an invalid id (over 128 characters, control characters) is refused with the value and the line number.
/// </summary>
internal static class UserIdFile
{
    /// <summary>Reads and validates the file.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="optionName">The option that named the file, for messages.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ids, in file order.</returns>
    /// <exception cref="CliUsageException">The file is missing, unreadable, empty or holds an invalid or duplicate id.</exception>
    public static async Task<IReadOnlyList<string>> ReadAsync(string path, string optionName, CancellationToken cancellationToken)
    {
        string[] lines;
        try
        {
            lines = await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliUsageException($"Cannot read the {optionName} file '{path}': {ex.Message}");
        }

        var ids = new List<string>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = i + 1;
            var id = lines[i].Trim();
            if (id.Length == 0)
            {
                continue;
            }

            try
            {
                UserIds.Validate(id);
            }
            catch (ArgumentException ex)
            {
                throw new CliUsageException(
                    string.Create(CultureInfo.InvariantCulture, $"{path}:{line}: invalid user id '{id}': {StripParamName(ex)}"));
            }

            if (firstLine.TryGetValue(id, out var first))
            {
                throw new CliUsageException(
                    string.Create(CultureInfo.InvariantCulture, $"{path}:{line}: duplicate user id '{id}' (first on line {first})."));
            }

            firstLine[id] = line;
            ids.Add(id);
        }

        if (ids.Count == 0)
        {
            throw new CliUsageException($"The {optionName} file '{path}' holds no user ids (one id per line; blank lines are ignored).");
        }

        return ids;
    }

    /// <summary>Gets an <see cref="ArgumentException"/>'s message without the " (Parameter '…')" suffix.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The message.</returns>
    public static string StripParamName(ArgumentException exception)
    {
        var message = exception.Message;
        var suffix = exception.ParamName is null ? -1 : message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return suffix >= 0 ? message[..suffix] : message;
    }
}
