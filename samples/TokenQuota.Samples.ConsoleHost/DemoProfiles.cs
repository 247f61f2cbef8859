namespace TokenQuota.Samples.ConsoleHost;

/// <summary>
/// Finds the profiles the demo uses by name, creating any that is missing, so the sample runs on a fresh database and
/// on one it (or an admin) has used before.
/// </summary>
internal sealed class DemoProfiles(IConsumptionProfileManager manager)
{
    public const string Actor = "sample-console";

    /// <summary>A profile small enough to hit its rate limit in a demo: 3 prompts per hour.</summary>
    public static readonly NewConsumptionProfile DemoTight = new()
    {
        Name = "Demo-Tight",
        Description = "Sample profile: 3 prompts/hour, to show a rate-limit refusal",
        PromptsPerHour = 3,
        PromptsPerDay = 20,
        ConfigChangesPerHour = 1,
        InputTokensPerMonth = 20_000,
        OutputTokensPerMonth = 10_000,
    };

    public static readonly NewConsumptionProfile DemoModels = new()
    {
        Name = "Demo-Models",
        Description = "Sample profile: at most 15,000 input tokens a month on gpt-4o, and 30,000 tokens a minute on any model",
        PromptsPerHour = 50,
        PromptsPerDay = 500,
        ConfigChangesPerHour = 5,
        InputTokensPerMonth = 100_000,
        OutputTokensPerMonth = 50_000,
        Limits = [QuotaLimit.Parse("input_tokens/month=15000@gpt-4o"), QuotaLimit.Parse("total_tokens/minute:token_bucket=30000")],
    };

    public static readonly NewConsumptionProfile DemoBudget = new()
    {
        Name = "Demo-Budget",
        Description = "Sample profile: $0.05 a month on gpt-4o and $1.00 a month on every model, priced from the sample catalogue",
        PromptsPerHour = 50,
        PromptsPerDay = 500,
        ConfigChangesPerHour = 5,
        InputTokensPerMonth = 100_000,
        OutputTokensPerMonth = 50_000,
        Limits = [QuotaLimit.Parse("cost/month=0.05@gpt-4o"), QuotaLimit.Parse("cost/month=1.00")],
    };

    // The seed's profiles, used only if an admin deleted one from this database (migrations never bring them back).
    private static readonly NewConsumptionProfile[] SeedProfiles =
    [
        new() { Name = "Free", PromptsPerHour = 50, PromptsPerDay = 500, ConfigChangesPerHour = 5, InputTokensPerMonth = 100_000, OutputTokensPerMonth = 50_000 },
        new() { Name = "Pro", PromptsPerHour = 200, PromptsPerDay = 2000, ConfigChangesPerHour = 20, InputTokensPerMonth = 500_000, OutputTokensPerMonth = 250_000 },
        new() { Name = "Unlimited", PromptsPerHour = 1000, PromptsPerDay = 10000, ConfigChangesPerHour = 100 },
    ];

    public async Task<ConsumptionProfile> GetOrCreateAsync(string name, CancellationToken cancellationToken = default)
    {
        var wanted = new[] { DemoTight, DemoModels, DemoBudget }.FirstOrDefault(p => p.Name == name) ?? SeedProfiles.Single(p => p.Name == name);
        var existing = await FindAsync(name, cancellationToken);
        if (existing is null)
        {
            try
            {
                var created = await manager.CreateAsync(wanted, Actor, cancellationToken);
                Console.WriteLine($"  created profile {created.Name,-10} (id {created.Id})");
                return created;
            }
            catch (ConsumptionProfileConflictException)
            {
                // Another process created it between our lookup and our insert: use theirs.
                existing = await FindAsync(name, cancellationToken)
                    ?? throw new InvalidOperationException($"Profile {name} exists but could not be read.");
            }
        }

        var limitsEdited = name == DemoModels.Name && !existing.Limits.SequenceEqual(DemoModels.Limits);
        if (!existing.IsActive || (name == DemoTight.Name && existing.PromptsPerHour != DemoTight.PromptsPerHour) || limitsEdited)
        {
            // Someone deactivated or edited it since the last run; put it back the way the demo needs it.
            var repair = new ConsumptionProfileUpdate
            {
                IsActive = true,
                PromptsPerHour = name == DemoTight.Name ? DemoTight.PromptsPerHour : null,
                Limits = limitsEdited ? DemoModels.Limits : null,
            };
            existing = await manager.UpdateAsync(existing.Id, repair, Actor, cancellationToken);
            Console.WriteLine($"  restored profile {existing.Name} (id {existing.Id})");
        }

        Console.WriteLine($"  found profile   {existing.Name,-10} (id {existing.Id}, {existing.UserCount} user{(existing.UserCount == 1 ? "" : "s")} assigned by earlier runs)");
        return existing;
    }

    private async Task<ConsumptionProfile?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var profiles = await manager.ListAsync(cancellationToken);
        return profiles.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
    }
}
