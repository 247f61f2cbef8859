using System.CommandLine;

namespace TokenQuota.Cli.Commands;

/// <summary><c>tokenquota settings</c>: show the run-time rate-limit settings; <c>settings set</c>: change them (audited).</summary>
internal static class SettingsCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command(
            "settings",
            "Show the run-time rate-limit settings kept in the database: whether rate limits are enforced and whether the emergency " +
            "override (system defaults for everyone) is on. Every process applies a change at its next configuration read, without a restart.")
        {
            Set(cli),
        };
        cli.SetAction(command, async run =>
        {
            var stored = await run.Services.Store.GetRateLimitSettingsAsync(run.CancellationToken).ConfigureAwait(false);
            var settings = await run.Profiles.GetRateLimitSettingsAsync(run.CancellationToken).ConfigureAwait(false);
            var isStored = stored.Enabled is not null && stored.GlobalOverride is not null;
            run.Write(Result.Of(settings, isStored), output =>
            {
                WriteDetails(output, settings);
                if (!isStored)
                {
                    output.WriteLine("  (not stored in the database yet: each process uses its start-up options RateLimitOptions.Enabled");
                    output.WriteLine("   and RateLimitOptions.GlobalOverride; shown are the library defaults. 'settings set' stores them.)");
                }
            });
        });
        return command;
    }

    private static Command Set(CliContext cli)
    {
        // ExactlyOne: the value is always spelled out, so a bare --enabled or a stray word is refused rather than read as true.
        var enabled = new Option<bool?>("--enabled")
        {
            Description = "Enforce rate limits (true) or admit every attempt and count nothing (false).",
            HelpName = "true|false",
            Arity = ArgumentArity.ExactlyOne,
        };
        var globalOverride = new Option<bool?>("--global-override")
        {
            Description = "Emergency mode: ignore profile rate limits and apply the system defaults to every user (true), or use the profiles again (false).",
            HelpName = "true|false",
            Arity = ArgumentArity.ExactlyOne,
        };
        var command = new Command(
            "set",
            "Change the run-time rate-limit settings: only the options given change. The change is audited; the first one stores both values.")
        {
            enabled,
            globalOverride,
        };
        cli.SetAction(command, async run =>
        {
            var update = new RateLimitSettingsUpdate { Enabled = run.Get(enabled), GlobalOverride = run.Get(globalOverride) };
            if (update == new RateLimitSettingsUpdate())
            {
                throw new CliUsageException("Nothing to change: give --enabled true|false and/or --global-override true|false.");
            }

            var settings = await run.Profiles.UpdateRateLimitSettingsAsync(update, CliContext.Actor, run.CancellationToken).ConfigureAwait(false);
            run.Write(Result.Of(settings, stored: true), output =>
            {
                output.WriteLine("Updated the rate-limit settings.");
                WriteDetails(output, settings);
            });
        });
        return command;
    }

    private static void WriteDetails(TextWriter output, RateLimitSettings settings)
    {
        output.WriteLine("Rate-limit settings");
        output.WriteLine($"  Enabled:         {Format.YesNo(settings.Enabled)}");
        output.WriteLine($"  Global override: {Format.YesNo(settings.GlobalOverride)}{(settings.GlobalOverride ? " (system defaults for every user)" : string.Empty)}");
    }

    /// <summary>The JSON result: the seed's keys, and whether the database stores them (else they are start-up defaults).</summary>
    internal sealed record Result(bool RateLimitEnabled, bool RateLimitGlobalOverride, bool Stored)
    {
        public static Result Of(RateLimitSettings settings, bool stored) => new(settings.Enabled, settings.GlobalOverride, stored);
    }
}
