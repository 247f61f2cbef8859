using System.CommandLine;

namespace TokenQuota.Cli.Commands;

/// <summary><c>tokenquota status &lt;user&gt;</c>: the user's quota status this month (the seed's quota-status JSON).</summary>
internal static class StatusCommand
{
    public static Command Create(CliContext cli)
    {
        var user = new Argument<string>("user") { Description = "The user id (1 to 128 characters)." };
        var command = new Command(
            "status",
            "Show a user's quota status for the current UTC month: the profile that applies, token usage against its limits, and rate limits. " +
            "--json writes the seed's quota-status JSON.")
        {
            user,
        };
        cli.SetAction(command, async run =>
        {
            var userId = CommonOptions.ValidUserId(run.Get(user));
            var status = await run.Services.Checker.GetStatusAsync(userId, run.CancellationToken).ConfigureAwait(false);
            run.Write(status, output =>
            {
                output.WriteLine($"User:          {userId}");
                output.WriteLine($"Period:        {status.Period} (resets {Format.Time(status.ResetsAt)})");
                output.WriteLine(status.HasQuota && status.ProfileId is { } id
                    ? $"Profile:       {status.ProfileName} (id {id})"
                    : "Profile:       none (no assignment and no default profile: tokens unlimited, system rate limits)");
                output.WriteLine($"Input tokens:  {Tokens(status.InputTokens)}");
                output.WriteLine($"Output tokens: {Tokens(status.OutputTokens)}");
                var rates = status.RateLimits;
                output.WriteLine(rates.PromptsPerHour is null
                    ? "Rate limits:   disabled"
                    : $"Rate limits:   {Rate(rates.PromptsPerHour)} prompts/hour, {Rate(rates.PromptsPerDay)} prompts/day, {Rate(rates.ConfigChangesPerHour)} config changes/hour");
                foreach (var limit in status.Limits)
                {
                    output.WriteLine($"Extra limit:   {Limit(limit)}");
                }
            });
        });
        return command;
    }

    private static string Tokens(QuotaTokenStatus tokens) => tokens.Limit is { } limit
        ? $"{Format.Number(tokens.Used)} of {Format.Number(limit)} used ({Format.Percent(tokens.PercentageUsed)}), {Format.Number(tokens.Remaining ?? 0)} remaining"
        : $"{Format.Number(tokens.Used)} used, Unlimited";

    private static string Limit(QuotaLimitStatus limit)
    {
        var name = limit.Meter + (limit.Window is { } w ? "/" + w : string.Empty) + (limit.Model is { } m ? "@" + m : string.Empty);
        // A cost limit counts nano-units of its currency: shown as money ($4.25), every other meter as a count.
        Func<long, string> figure = limit.Currency is { } currency ? nano => Money.Format(nano, currency) : Format.Number;
        var held = limit.Reserved > 0 ? $" + {figure(limit.Reserved)} held" : string.Empty;
        var figures = limit.Limit is { } amount
            ? $"{figure(limit.Used)}{held} of {figure(amount)} used ({Format.Percent(limit.PercentageUsed)}), {figure(limit.Remaining ?? 0)} remaining"
            : $"{figure(limit.Used)}{held} used, Unlimited";
        return limit.ResetsAt is { } reset ? $"{name}: {figures} (resets {Format.Time(reset)})" : $"{name}: {figures}";
    }

    private static string Rate(int? value) => value is { } v ? Format.Number(v) : "-";
}
