using System.CommandLine;
using System.CommandLine.Invocation;
using TokenQuota.Cli.Commands;

namespace TokenQuota.Cli;

/// <summary>The <c>tokenquota</c> command line: builds the commands and runs one invocation.</summary>
internal static class Cli
{
    /// <summary>Parses and runs a command line, writing results to <paramref name="stdout"/> and messages to <paramref name="stderr"/>.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="stdout">Where results (and help) go.</param>
    /// <param name="stderr">Where errors go.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The exit code; see <see cref="ExitCodes"/>.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        var context = new CliContext(stdout, stderr);
        var root = CreateRootCommand(context);
        var parseResult = root.Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            return ReportParseErrors(parseResult, stderr);
        }

        var configuration = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
        };
        var exitCode = await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
        await stderr.FlushAsync(cancellationToken).ConfigureAwait(false);
        return exitCode;
    }

    /// <summary>Builds the command tree.</summary>
    /// <param name="context">The shared options and writers.</param>
    /// <returns>The root command.</returns>
    public static RootCommand CreateRootCommand(CliContext context)
    {
        var root = new RootCommand(
            "tokenquota: administer TokenQuota consumption profiles, user assignments, quota status, usage, the audit log, the rate-limit settings and the model prices " +
            "in a TokenQuota SQLite database or PostgreSQL schema.")
        {
            context.Db,
            context.Provider,
            context.Schema,
            context.Json,
            MigrateCommand.Create(context),
            ProfilesCommand.Create(context),
            AssignCommands.CreateAssign(context),
            AssignCommands.CreateAssignMany(context),
            AssignCommands.CreateAssignUnlimited(context),
            StatusCommand.Create(context),
            UsageCommand.Create(context),
            AuditCommand.Create(context),
            ImportSeedCommand.Create(context),
            SettingsCommand.Create(context),
            PricesCommand.Create(context),
        };
        root.HelpName = "tokenquota";
        return root;
    }

    private static int ReportParseErrors(ParseResult parseResult, TextWriter stderr)
    {
        foreach (var error in parseResult.Errors)
        {
            stderr.WriteLine("error: " + error.Message);
        }

        var path = new List<string>();
        for (var result = parseResult.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            path.Insert(0, result.Command is RootCommand ? "tokenquota" : result.Command.Name);
        }

        stderr.WriteLine($"Run '{string.Join(' ', path)} --help' for usage.");
        return ExitCodes.UsageError;
    }
}
