using System.CommandLine;
using System.Globalization;

namespace TokenQuota.Cli.Commands;

/// <summary><c>tokenquota assign</c>, <c>assign-many</c> and <c>assign-unlimited</c>: user assignments.</summary>
internal static class AssignCommands
{
    private const string ProfileOrNoneDescription = "The profile, by id or name, or 'none' to remove the assignment (the user gets the default profile).";

    private const string KnownUsersFileDescription =
        "A text file of the host's user ids, one per line: a profile is assigned only to a user listed here (or by --users-sql).";

    /// <summary>The seed's catch-all profile, which <c>migrate</c> creates; the library's step itself takes any name.</summary>
    private const string UnlimitedProfileName = "Unlimited";

    public static Command CreateAssign(CliContext cli)
    {
        var user = new Argument<string>("user") { Description = "The user id (1 to 128 characters)." };
        var profileArgument = new Argument<string>("profile") { Description = ProfileOrNoneDescription };
        var command = new Command("assign", "Assign a user to an active profile, or with 'none' return the user to the default profile.")
        {
            user,
            profileArgument,
        };
        var users = new UserDirectoryOptions(KnownUsersFileDescription);
        users.AddTo(command);
        cli.SetAction(command, async run =>
        {
            var userId = CommonOptions.ValidUserId(run.Get(user));
            var (id, profile) = await ProfileReference.ResolveOptionalAsync(run.Profiles, run.Get(profileArgument)!, run.CancellationToken).ConfigureAwait(false);
            await run.Profiles.AssignAsync(userId, id, CliContext.Actor, run.CancellationToken).ConfigureAwait(false);
            run.Write(new AssignResult(userId, id, profile?.Name), output => output.WriteLine(id is null
                ? $"User '{userId}' has no assignment now; the default profile applies."
                : $"Assigned user '{userId}' to profile {ProfileReference.Describe(id, profile)}."));
        }, users: users);
        return command;
    }

    public static Command CreateAssignMany(CliContext cli)
    {
        var file = new Option<string>("--file")
        {
            Description = "A text file of user ids, one per line; blank lines are ignored. Duplicates and invalid ids are refused.",
            HelpName = "ids.txt",
            Required = true,
        };
        var profileArgument = new Argument<string>("profile") { Description = ProfileOrNoneDescription };
        var command = new Command("assign-many", "Assign every user listed in a file to a profile (or 'none'), all or nothing.")
        {
            file,
            profileArgument,
        };
        var users = new UserDirectoryOptions(KnownUsersFileDescription);
        users.AddTo(command);
        cli.SetAction(command, async run =>
        {
            var ids = await UserIdFile.ReadAsync(run.Get(file)!, "--file", run.CancellationToken).ConfigureAwait(false);
            var (id, profile) = await ProfileReference.ResolveOptionalAsync(run.Profiles, run.Get(profileArgument)!, run.CancellationToken).ConfigureAwait(false);
            var assigned = await run.Profiles.AssignManyAsync([.. ids], id, CliContext.Actor, run.CancellationToken).ConfigureAwait(false);
            run.Write(new AssignManyResult(assigned, id, profile?.Name), output => output.WriteLine(id is null
                ? $"Removed the assignment of {Format.Users(assigned)}; the default profile applies to them."
                : $"Assigned {Format.Users(assigned)} to profile {ProfileReference.Describe(id, profile)}."));
        }, users: users);
        return command;
    }

    public static Command CreateAssignUnlimited(CliContext cli)
    {
        var users = new UserDirectoryOptions("A text file of the host's user ids, one per line: each without an assignment gets Unlimited too.");
        var command = new Command(
            "assign-unlimited",
            "The seed's assign_unlimited_profiles step: assign the Unlimited profile to every known user without an assignment " +
            "(the store's users, and the host's users of --users-file and --users-sql), make Unlimited the default, and print " +
            "a summary per profile. Idempotent.");
        users.AddTo(command);
        cli.SetAction(command, async run =>
        {
            var summary = AssignUnlimitedResult.From(await run.Profiles
                .AssignProfileToUnassignedUsersAsync(UnlimitedProfileName, makeDefault: true, null, CliContext.Actor, run.CancellationToken)
                .ConfigureAwait(false));
            run.Write(summary, output => WriteSummary(output, summary));
        }, users: users);
        return command;
    }

    /// <summary>Writes the per-profile summary, like the seed's script: profile, users, prompts/h, prompts/day, token limits.</summary>
    /// <param name="output">The writer.</param>
    /// <param name="summary">The summary.</param>
    private static void WriteSummary(TextWriter output, AssignUnlimitedResult summary)
    {
        var unlimited = summary.Profiles.FirstOrDefault(p => p.Id == summary.UnlimitedProfileId);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Assigned the Unlimited profile (id {summary.UnlimitedProfileId}) to {Format.Users(summary.UsersAssigned)} without an assignment; {unlimited?.Name ?? "Unlimited"} is the default profile."));
        if (summary.DirectoryUserCount is { } listed)
        {
            output.WriteLine($"The host's users read from --users-file/--users-sql: {Format.Number(listed)}; each has a profile now.");
        }

        output.WriteLine();
        output.WriteLine("Profile assignment summary:");
        var table = new TableWriter("PROFILE", "USERS>", "PROMPTS/H>", "PROMPTS/DAY>", "INPUT TOKENS/MONTH>", "OUTPUT TOKENS/MONTH>");
        foreach (var p in summary.Profiles)
        {
            table.AddRow(
                p.Name + (p.IsDefault ? " (default)" : string.Empty) + (p.IsActive ? string.Empty : " (inactive)"),
                Format.Number(p.UserCount),
                Format.Number(p.PromptsPerHour),
                Format.Number(p.PromptsPerDay),
                Format.Limit(p.InputTokensPerMonth),
                Format.Limit(p.OutputTokensPerMonth));
        }

        table.Write(output);
    }

    /// <summary>The JSON result of <c>assign</c>.</summary>
    internal sealed record AssignResult(string UserId, long? ProfileId, string? ProfileName);

    /// <summary>The JSON result of <c>assign-many</c>.</summary>
    internal sealed record AssignManyResult(int UsersAssigned, long? ProfileId, string? ProfileName);

    /// <summary>The <c>--json</c> result of <c>assign-unlimited</c>, in the shape it has always had.</summary>
    /// <param name="UnlimitedProfileId">The id of the Unlimited profile, now the default.</param>
    /// <param name="UsersAssigned">How many users were newly assigned to Unlimited by this run (0 when run again).</param>
    /// <param name="Profiles">Every profile after the run, default first, with its count of assigned users.</param>
    internal sealed record AssignUnlimitedResult(long UnlimitedProfileId, int UsersAssigned, IReadOnlyList<ConsumptionProfile> Profiles)
    {
        /// <summary>Gets how many distinct users --users-file/--users-sql listed, or <see langword="null"/> without either.</summary>
        public int? DirectoryUserCount { get; init; }

        public static AssignUnlimitedResult From(ProfileAssignmentSummary summary) =>
            new(summary.ProfileId, summary.UsersAssigned, summary.Profiles) { DirectoryUserCount = summary.DirectoryUserCount };
    }
}
