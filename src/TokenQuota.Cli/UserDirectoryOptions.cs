using System.CommandLine;

namespace TokenQuota.Cli;

/// <summary>
/// <c>--users-file</c> and <c>--users-sql</c>: where a command reads the host's users from. Given either, the command
/// runs with a <see cref="CliUserDirectory"/> of those ids: assigning a profile to any other id is refused, and
/// <c>assign-unlimited</c> covers all of them.
/// </summary>
internal sealed class UserDirectoryOptions
{
    public UserDirectoryOptions(string fileDescription)
    {
        File = new Option<string>("--users-file")
        {
            Description = fileDescription,
            HelpName = "ids.txt",
        };
        Sql = new Option<string>(UsersSqlQuery.OptionName)
        {
            Description = "A query run read-only on the --db database that returns the host's user ids in one text column, " +
                "for example \"SELECT id FROM users\". NULLs, empty or invalid ids and non-text values are refused; repeats count once.",
            HelpName = "query",
        };
    }

    public Option<string> File { get; }

    public Option<string> Sql { get; }

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    /// <param name="command">The command.</param>
    public void AddTo(Command command)
    {
        command.Options.Add(File);
        command.Options.Add(Sql);
    }

    /// <summary>Gets the directory the parsed options describe, or <see langword="null"/> when neither is given.</summary>
    /// <param name="parseResult">The parsed command line.</param>
    /// <param name="provider">The store, which is also the host's database engine.</param>
    /// <param name="connectionString">The store's connection string, on which the query runs.</param>
    /// <returns>The directory, not yet loaded, or <see langword="null"/>.</returns>
    public CliUserDirectory? Create(ParseResult parseResult, StoreProvider provider, string connectionString)
    {
        var file = parseResult.GetValue(File);
        var sql = parseResult.GetResult(Sql) is { Implicit: false } ? parseResult.GetValue(Sql) ?? string.Empty : null;
        return file is null && sql is null ? null : new CliUserDirectory(provider, connectionString, file, sql);
    }
}
