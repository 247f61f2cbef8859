using System.CommandLine;
using System.Globalization;

namespace TokenQuota.Cli.Commands;

/// <summary><c>tokenquota profiles …</c>: list, show, create, update, delete, set-default, activate, deactivate.</summary>
internal static class ProfilesCommand
{
    public static Command Create(CliContext cli) => new("profiles", "Manage consumption profiles. A profile is named by its id or its name (ignoring case).")
    {
        List(cli),
        Show(cli),
        CreateProfile(cli),
        Update(cli),
        Delete(cli),
        SetDefault(cli),
        Activate(cli),
        Deactivate(cli),
    };

    /// <summary>Writes the profiles as a table, default first.</summary>
    /// <param name="output">The writer.</param>
    /// <param name="profiles">The profiles.</param>
    public static void WriteTable(TextWriter output, IEnumerable<ConsumptionProfile> profiles)
    {
        var table = new TableWriter("ID>", "NAME", "DEFAULT", "ACTIVE", "PROMPTS/H>", "PROMPTS/DAY>", "CONFIG/H>", "INPUT TOKENS/MONTH>", "OUTPUT TOKENS/MONTH>", "USERS>");
        foreach (var p in profiles)
        {
            table.AddRow(
                p.Id.ToString(CultureInfo.InvariantCulture),
                p.Name,
                p.IsDefault ? "yes" : string.Empty,
                Format.YesNo(p.IsActive),
                Format.Number(p.PromptsPerHour),
                Format.Number(p.PromptsPerDay),
                Format.Number(p.ConfigChangesPerHour),
                Format.Limit(p.InputTokensPerMonth),
                Format.Limit(p.OutputTokensPerMonth),
                Format.Number(p.UserCount));
        }

        table.Write(output);
    }

    // Warnings do not fail the command: the price may be set next.
    private static void WriteWarnings(TextWriter output, IReadOnlyList<string> warnings)
    {
        foreach (var warning in warnings)
        {
            output.WriteLine("warning: " + warning);
        }
    }

    /// <summary>Writes one profile's fields, one per line.</summary>
    /// <param name="output">The writer.</param>
    /// <param name="p">The profile.</param>
    public static void WriteDetails(TextWriter output, ConsumptionProfile p)
    {
        output.WriteLine($"Profile {Format.Profile(p)}");
        output.WriteLine($"  Description:             {p.Description ?? "(none)"}");
        output.WriteLine($"  Default:                 {Format.YesNo(p.IsDefault)}");
        output.WriteLine($"  Active:                  {Format.YesNo(p.IsActive)}");
        output.WriteLine($"  Prompts per hour:        {Format.Number(p.PromptsPerHour)}");
        output.WriteLine($"  Prompts per day:         {Format.Number(p.PromptsPerDay)}");
        output.WriteLine($"  Config changes per hour: {Format.Number(p.ConfigChangesPerHour)}");
        output.WriteLine($"  Input tokens per month:  {Format.Limit(p.InputTokensPerMonth)}");
        output.WriteLine($"  Output tokens per month: {Format.Limit(p.OutputTokensPerMonth)}");
        output.WriteLine($"  Calendar:                {p.TimeZone}, months from day {p.AnchorDay}, weeks from {WeekStartJsonConverter.NameOf(p.WeekStart)}");
        output.WriteLine($"  Extra limits:            {(p.Limits.Count == 0 ? "(none)" : string.Join(", ", p.Limits))}");
        output.WriteLine($"  Assigned users:          {Format.Number(p.UserCount)}");
        output.WriteLine($"  Created:                 {Format.Time(p.CreatedAt)}");
        output.WriteLine($"  Updated:                 {Format.Time(p.UpdatedAt)}");
    }

    private static Command List(CliContext cli)
    {
        var command = new Command("list", "List every profile, the default first, with its limits and count of assigned users.");
        cli.SetAction(command, async run =>
        {
            var profiles = await run.Profiles.ListAsync(run.CancellationToken).ConfigureAwait(false);
            run.Write(profiles, output => WriteTable(output, profiles));
        });
        return command;
    }

    private static Command Show(CliContext cli)
    {
        var profileArgument = ProfileArgument("The profile, by id or name.");
        var command = new Command("show", "Show one profile and the first users assigned to it.") { profileArgument };
        cli.SetAction(command, async run =>
        {
            var (id, _) = await ProfileReference.ResolveAsync(run.Profiles, run.Get(profileArgument)!, run.CancellationToken).ConfigureAwait(false);
            var profile = await run.Profiles.GetAsync(id, run.CancellationToken).ConfigureAwait(false);
            var assignments = await run.Profiles.ListAssignmentsAsync(id, 0, 20, run.CancellationToken).ConfigureAwait(false);
            run.Write(profile, output =>
            {
                WriteDetails(output, profile);
                if (assignments.Items.Count > 0)
                {
                    var more = assignments.TotalCount - assignments.Items.Count;
                    output.WriteLine($"  Users:                   {string.Join(", ", assignments.Items.Select(a => a.UserId))}{(more > 0 ? $" and {Format.Number(more)} more" : string.Empty)}");
                }
            });
        });
        return command;
    }

    private static Command CreateProfile(CliContext cli)
    {
        var fields = new ProfileFieldOptions(creating: true);
        var command = new Command("create", "Create a profile. Omitted limits take the seed's defaults (100/hour, 1000/day, 10 config changes/hour, unlimited tokens).");
        fields.AddTo(command);
        cli.SetAction(command, async run =>
        {
            var profile = new NewConsumptionProfile
            {
                Name = run.Get(fields.Name)!,
                Description = EmptyToNull(run.Get(fields.Description)),
                PromptsPerHour = run.Get(fields.PromptsPerHour) ?? 100,
                PromptsPerDay = run.Get(fields.PromptsPerDay) ?? 1000,
                ConfigChangesPerHour = run.Get(fields.ConfigChangesPerHour) ?? 10,
                InputTokensPerMonth = run.Get(fields.InputTokens)?.Value,
                OutputTokensPerMonth = run.Get(fields.OutputTokens)?.Value,
                IsDefault = run.Get(fields.Default),
                IsActive = !run.Get(fields.Inactive),
                TimeZone = run.Get(fields.TimeZone) ?? QuotaCalendar.UtcId,
                AnchorDay = run.Get(fields.AnchorDay) ?? 1,
                WeekStart = fields.ReadWeekStart(run) ?? DayOfWeek.Monday,
                Limits = fields.ReadLimits(run) ?? [],
            };
            var created = await run.Profiles.CreateAsync(profile, CliContext.Actor, run.CancellationToken).ConfigureAwait(false);
            var warnings = await run.Profiles.GetCostLimitWarningsAsync(created.Id, run.CancellationToken).ConfigureAwait(false);
            run.Write(created, output =>
            {
                output.WriteLine($"Created profile {Format.Profile(created)}.");
                WriteDetails(output, created);
                WriteWarnings(output, warnings);
            });
        });
        return command;
    }

    private static Command Update(CliContext cli)
    {
        var profileArgument = ProfileArgument("The profile to change, by id or name.");
        var fields = new ProfileFieldOptions(creating: false);
        var command = new Command(
            "update",
            "Change a profile: only the options given change. --description \"\" clears the description; --default false leaves no default; --inactive false activates; --limit replaces the extra limits, --no-limits removes them.")
        {
            profileArgument,
        };
        fields.AddTo(command);
        cli.SetAction(command, async run =>
        {
            var update = new ConsumptionProfileUpdate
            {
                Name = run.Get(fields.Name),
                Description = run.Given(fields.Description) ? new Optional<string?>(EmptyToNull(run.Get(fields.Description))) : default,
                PromptsPerHour = run.Get(fields.PromptsPerHour),
                PromptsPerDay = run.Get(fields.PromptsPerDay),
                ConfigChangesPerHour = run.Get(fields.ConfigChangesPerHour),
                InputTokensPerMonth = run.Get(fields.InputTokens) is { } input ? new Optional<long?>(input.Value) : default,
                OutputTokensPerMonth = run.Get(fields.OutputTokens) is { } output ? new Optional<long?>(output.Value) : default,
                IsDefault = run.Given(fields.Default) ? run.Get(fields.Default) : null,
                IsActive = run.Given(fields.Inactive) ? !run.Get(fields.Inactive) : null,
                TimeZone = run.Get(fields.TimeZone),
                AnchorDay = run.Get(fields.AnchorDay),
                WeekStart = fields.ReadWeekStart(run),
                Limits = run.Get(fields.NoLimits) ? [] : fields.ReadLimits(run),
            };
            if (update == new ConsumptionProfileUpdate())
            {
                throw new CliUsageException("Nothing to update: give at least one of " + string.Join(", ", fields.All.Select(o => o.Name)) + ".");
            }

            var (id, _) = await ProfileReference.ResolveAsync(run.Profiles, run.Get(profileArgument)!, run.CancellationToken).ConfigureAwait(false);
            var updated = await run.Profiles.UpdateAsync(id, update, CliContext.Actor, run.CancellationToken).ConfigureAwait(false);
            var warnings = await run.Profiles.GetCostLimitWarningsAsync(updated.Id, run.CancellationToken).ConfigureAwait(false);
            run.Write(updated, output =>
            {
                output.WriteLine($"Updated profile {Format.Profile(updated)}.");
                WriteDetails(output, updated);
                WriteWarnings(output, warnings);
            });
        });
        return command;
    }

    private static Command Delete(CliContext cli)
    {
        var profileArgument = ProfileArgument("The profile to delete, by id or name.");
        var reassignTo = new Option<string>("--reassign-to")
        {
            Description = "The active profile that receives the deleted profile's assigned users. Required when users are assigned to it.",
            HelpName = "profile",
        };
        var command = new Command("delete", "Delete a profile. The default profile cannot be deleted.") { profileArgument, reassignTo };
        cli.SetAction(command, async run =>
        {
            var (id, profile) = await ProfileReference.ResolveAsync(run.Profiles, run.Get(profileArgument)!, run.CancellationToken).ConfigureAwait(false);
            (long Id, ConsumptionProfile? Profile)? target = run.Get(reassignTo) is { } targetReference
                ? await ProfileReference.ResolveAsync(run.Profiles, targetReference, run.CancellationToken).ConfigureAwait(false)
                : null;
            await run.Profiles.DeleteAsync(id, target?.Id, CliContext.Actor, run.CancellationToken).ConfigureAwait(false);
            var moved = target is null ? 0 : profile?.UserCount ?? 0;
            var result = new DeleteResult(id, profile?.Name, target?.Id, moved);
            run.Write(result, output =>
            {
                output.Write($"Deleted profile {ProfileReference.Describe(id, profile)}");
                output.WriteLine(target is { } t && moved > 0
                    ? $"; moved its {Format.Users(moved)} to {ProfileReference.Describe(t.Id, t.Profile)}."
                    : ".");
            });
        });
        return command;
    }

    private static Command SetDefault(CliContext cli) => StateCommand(
        cli,
        "set-default",
        "Make an active profile the default (the previous default is unset in the same transaction).",
        (profiles, id, ct) => profiles.SetDefaultAsync(id, CliContext.Actor, ct),
        p => $"Profile {Format.Profile(p)} is now the default profile.");

    private static Command Activate(CliContext cli) => StateCommand(
        cli,
        "activate",
        "Activate a profile, so it can be assigned and applies to its users again.",
        (profiles, id, ct) => profiles.ActivateAsync(id, CliContext.Actor, ct),
        p => $"Profile {Format.Profile(p)} is active.");

    private static Command Deactivate(CliContext cli) => StateCommand(
        cli,
        "deactivate",
        "Deactivate a profile: its users fall back to the default profile. The default profile cannot be deactivated.",
        (profiles, id, ct) => profiles.DeactivateAsync(id, CliContext.Actor, ct),
        p => $"Profile {Format.Profile(p)} is inactive; its {Format.Users(p.UserCount)} get the default profile.");

    private static Command StateCommand(
        CliContext cli,
        string name,
        string description,
        Func<IConsumptionProfileManager, long, CancellationToken, Task<ConsumptionProfile>> change,
        Func<ConsumptionProfile, string> message)
    {
        var profileArgument = ProfileArgument("The profile, by id or name.");
        var command = new Command(name, description) { profileArgument };
        cli.SetAction(command, async run =>
        {
            var (id, _) = await ProfileReference.ResolveAsync(run.Profiles, run.Get(profileArgument)!, run.CancellationToken).ConfigureAwait(false);
            var profile = await change(run.Profiles, id, run.CancellationToken).ConfigureAwait(false);
            run.Write(profile, output => output.WriteLine(message(profile)));
        });
        return command;
    }

    private static Argument<string> ProfileArgument(string description) => new("profile") { Description = description };

    private static string? EmptyToNull(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>The JSON result of <c>profiles delete</c>.</summary>
    internal sealed record DeleteResult(long DeletedProfileId, string? DeletedProfileName, long? ReassignedToProfileId, long UsersMoved);

    /// <summary>The field options of <c>create</c> and <c>update</c>.</summary>
    private sealed class ProfileFieldOptions
    {
        public ProfileFieldOptions(bool creating)
        {
            Name = new Option<string>("--name")
            {
                Description = creating ? "The name: 1 to 100 characters, unique ignoring case." : "The new name: 1 to 100 characters, unique ignoring case.",
                Required = creating,
            };
            Description = new Option<string>("--description") { Description = "The description; \"\" for none." };
            PromptsPerHour = CommonOptions.Count("--prompts-per-hour", "Prompts a user may send per hour (0 or more)." + (creating ? " Default 100." : string.Empty));
            PromptsPerDay = CommonOptions.Count("--prompts-per-day", "Prompts a user may send per day (0 or more)." + (creating ? " Default 1000." : string.Empty));
            ConfigChangesPerHour = CommonOptions.Count("--config-changes-per-hour", "Configuration changes a user may make per hour (0 or more)." + (creating ? " Default 10." : string.Empty));
            InputTokens = CommonOptions.TokenLimitOption("--input-tokens-per-month", "Monthly input-token limit: a number (0 or more) or 'unlimited'." + (creating ? " Default unlimited." : string.Empty));
            OutputTokens = CommonOptions.TokenLimitOption("--output-tokens-per-month", "Monthly output-token limit: a number (0 or more) or 'unlimited'." + (creating ? " Default unlimited." : string.Empty));
            Default = new Option<bool>("--default")
            {
                Description = creating ? "Make the new profile the default (the previous default is unset)." : "Make the profile the default (--default false: leave no default).",
            };
            Inactive = new Option<bool>("--inactive")
            {
                Description = creating ? "Create the profile inactive." : "Deactivate the profile (--inactive false: activate it).",
            };
            TimeZone = new Option<string>("--time-zone") { Description = "The calendar's IANA time zone, for example Europe/Paris." + (creating ? " Default UTC." : string.Empty) };
            AnchorDay = CommonOptions.Count("--anchor-day", "The day of the month (1-31) on which month and year windows start." + (creating ? " Default 1." : string.Empty));
            WeekStart = new Option<string>("--week-start") { Description = "The day week windows start on, monday to sunday." + (creating ? " Default monday." : string.Empty) };
            Limit = new Option<string[]>("--limit")
            {
                Description = "An extra limit, meter/window[:algorithm]=amount[@model], for example 'total_tokens/minute=20000@gpt-4o*'; repeat for several" +
                    (creating ? "." : "; replaces every extra limit."),
                AllowMultipleArgumentsPerToken = false,
            };
            NoLimits = new Option<bool>("--no-limits") { Description = "Remove every extra limit." };
            this.creating = creating;
        }

        private readonly bool creating;

        public Option<string> TimeZone { get; }

        public Option<int?> AnchorDay { get; }

        public Option<string> WeekStart { get; }

        /// <summary>Reads <c>--week-start</c>, or <see langword="null"/> when not given; a value that is not a day's name is a usage error naming the option and the field.</summary>
        public DayOfWeek? ReadWeekStart(CommandRun run) => run.Get(WeekStart) switch
        {
            null => null,
            var text when WeekStartJsonConverter.TryParse(text, out var day) => day,
            var text => throw new CliUsageException($"--week-start: {WeekStartJsonConverter.Problem}; got '{text}'."),
        };

        public Option<string[]> Limit { get; }

        public Option<bool> NoLimits { get; }

        /// <summary>Reads the <c>--limit</c> values, or <see langword="null"/> when none was given; a value that is not a limit is a validation error naming it.</summary>
        public IReadOnlyList<QuotaLimit>? ReadLimits(CommandRun run)
        {
            if (!run.Given(Limit))
            {
                return null;
            }

            var texts = run.Get(Limit) ?? [];
            var errors = new Dictionary<string, string[]>();
            var limits = new List<QuotaLimit>();
            for (var i = 0; i < texts.Length; i++)
            {
                if (QuotaLimit.TryParse(texts[i], out var limit, out var error))
                {
                    limits.Add(limit);
                }
                else
                {
                    errors[$"limits[{i}]"] = [error];
                }
            }

            return errors.Count > 0 ? throw new ConsumptionProfileValidationException(errors) : limits;
        }

        public Option<string> Name { get; }

        public Option<string> Description { get; }

        public Option<int?> PromptsPerHour { get; }

        public Option<int?> PromptsPerDay { get; }

        public Option<int?> ConfigChangesPerHour { get; }

        public Option<TokenLimit?> InputTokens { get; }

        public Option<TokenLimit?> OutputTokens { get; }

        public Option<bool> Default { get; }

        public Option<bool> Inactive { get; }

        public IEnumerable<Option> All => creating
            ? [Name, Description, PromptsPerHour, PromptsPerDay, ConfigChangesPerHour, InputTokens, OutputTokens, Default, Inactive, TimeZone, AnchorDay, WeekStart, Limit]
            : [Name, Description, PromptsPerHour, PromptsPerDay, ConfigChangesPerHour, InputTokens, OutputTokens, Default, Inactive, TimeZone, AnchorDay, WeekStart, Limit, NoLimits];

        public void AddTo(Command command)
        {
            foreach (var option in All)
            {
                command.Add(option);
            }
        }
    }
}
