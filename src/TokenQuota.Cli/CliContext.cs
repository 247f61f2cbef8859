using System.CommandLine;

namespace TokenQuota.Cli;

/// <summary>
/// What every command shares: the output writers, the global <c>--db</c> and <c>--json</c> options, the audit actor,
/// and the one place that runs a command body and turns its failure into a message and an exit code.
/// </summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr)
{
    /// <summary>The database used when <c>--db</c> is not given.</summary>
    public const string DefaultDatabase = "tokenquota.db";

    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    /// <summary>Gets <c>--db</c>: a file path or a connection string; every command takes it.</summary>
    public Option<string> Db { get; } = new("--db")
    {
        Description = "The database: for sqlite a file path or a connection string (\"Data Source=...\"), defaulting to tokenquota.db in the current folder; " +
            "for postgres an Npgsql connection string (\"Host=...;Username=...;Database=...\").",
        HelpName = "path|connection-string",
        DefaultValueFactory = _ => DefaultDatabase,
        Recursive = true,
    };

    /// <summary>Gets <c>--provider</c>: which store the database is (sqlite or postgres); every command takes it.</summary>
    public Option<StoreProvider> Provider { get; } = StoreProviders.CreateOption();

    /// <summary>Gets <c>--schema</c>: the PostgreSQL schema that holds TokenQuota's tables.</summary>
    public Option<string> Schema { get; } = new("--schema")
    {
        Description = "For --provider postgres: the schema that holds TokenQuota's tables. Defaults to tokenquota.",
        HelpName = "name",
        DefaultValueFactory = _ => "tokenquota",
        Recursive = true,
    };

    /// <summary>Gets <c>--json</c>: write the result as JSON instead of a table.</summary>
    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write the result to stdout as JSON instead of text.",
        Recursive = true,
    };

    /// <summary>Gets the actor written to the audit log by admin commands: <c>cli:</c> and the OS user name.</summary>
    public static string Actor => "cli:" + Environment.UserName;

    /// <summary>Makes <paramref name="body"/> the action of <paramref name="command"/>.</summary>
    /// <param name="command">The command.</param>
    /// <param name="body">What the command does, given the services and the parse result.</param>
    /// <param name="creating">Whether the command may create the database (only <c>migrate</c>).</param>
    /// <param name="users">The command's <c>--users-file</c>/<c>--users-sql</c>: given, the run has a user directory.</param>
    public void SetAction(Command command, Func<CommandRun, Task> body, bool creating = false, UserDirectoryOptions? users = null) =>
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, body, creating, users, cancellationToken));

    private async Task<int> RunAsync(ParseResult parseResult, Func<CommandRun, Task> body, bool creating, UserDirectoryOptions? users, CancellationToken cancellationToken)
    {
        try
        {
            var services = CliServices.Create(
                parseResult.GetValue(Db) ?? DefaultDatabase,
                parseResult.GetValue(Provider),
                parseResult.GetValue(Schema) ?? "tokenquota",
                creating,
                users is null ? null : (provider, connectionString) => users.Create(parseResult, provider, connectionString));
            await using (services.ConfigureAwait(false))
            {
                // Read the host's users before the command changes anything: a bad file or query fails the run first.
                if (services.UserDirectory is { } directory)
                {
                    await directory.LoadAsync(cancellationToken).ConfigureAwait(false);
                }

                var run = new CommandRun(services, parseResult, parseResult.GetValue(Json), Out, cancellationToken);
                await body(run).ConfigureAwait(false);
                return ExitCodes.Success;
            }
        }
        catch (Exception ex)
        {
            return ErrorReporter.Report(ex, Error);
        }
    }
}
