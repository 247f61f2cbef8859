using System.Globalization;
using System.Text.Json;
using TokenQuota.Storage;

namespace TokenQuota.Cli.SeedImport;

/// <summary>
/// Carries a seed installation into a TokenQuota store in one administrative transaction, so it is all or nothing.
/// The seed is the source, by this rule:
/// <list type="bullet">
/// <item>Profiles, in seed-id order, match the store's profile of the same name ignoring case, which then takes the
/// seed's spelling, figures and active flag. A seed profile whose name differs only in case from an earlier one
/// becomes "name (seed id)". An unmatched one is created, keeping its seed id where the store has none such.</item>
/// <item>The default is the seed's lowest-id active profile flagged default, as the seed looked it up; with none, the
/// store is left without a default, as the seed was.</item>
/// <item>Each user of the users table that names a profile is assigned its counterpart; a row naming a deleted profile
/// is skipped and reported (the seed fell back to the default for it). A user with no profile keeps any assignment.</item>
/// <item>Each usage row is merged: every counter becomes the larger of the two, so a repeated import changes nothing.</item>
/// </list>
/// A dry run makes every change and then rolls the transaction back, so it reports exactly what a real run would do.
/// </summary>
internal static class SeedImporter
{
    /// <summary>Imports the installation.</summary>
    /// <param name="store">The store (migrated).</param>
    /// <param name="seed">The installation read from the seed's file.</param>
    /// <param name="dryRun">Whether to roll everything back after computing the report.</param>
    /// <param name="actor">The audit actor.</param>
    /// <param name="cancellationToken">Cancels the import (nothing is written).</param>
    /// <returns>What the import did.</returns>
    public static async Task<SeedImportReport> ImportAsync(IQuotaStore store, SeedInstallation seed, bool dryRun, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(seed);
        try
        {
            return await store.ExecuteAdminChangeAsync(
                async (session, ct) =>
                {
                    var report = await ApplyAsync(session, seed, dryRun, ct).ConfigureAwait(false);
                    if (dryRun)
                    {
                        throw new RollBack(report);
                    }

                    if (report.Changed)
                    {
                        await session.WriteAuditAsync(
                            new QuotaAuditEntry(session.Now, actor, QuotaAuditActions.SeedImported, "seed:" + Path.GetFileName(seed.Source), null, AuditSummary(report)),
                            ct).ConfigureAwait(false);
                    }

                    return report;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (RollBack rollBack)
        {
            return rollBack.Report;
        }
    }

    private static async Task<SeedImportReport> ApplyAsync(IQuotaAdminSession session, SeedInstallation seed, bool dryRun, CancellationToken ct)
    {
        var target = (await session.GetProfilesAsync(ct).ConfigureAwait(false)).ToDictionary(p => p.Id);
        var plans = Plan(seed.Profiles, target.Values);
        var defaultSeed = seed.Profiles.Where(p => p.IsDefault && p.IsActive).MinBy(p => p.SeedId);
        var defaultPlan = plans.FirstOrDefault(p => p.Seed == defaultSeed);

        var defaultChanged = false;
        var currentDefault = target.Values.FirstOrDefault(p => p.IsDefault);
        if (currentDefault is not null && (defaultPlan is null || defaultPlan.MatchId != currentDefault.Id))
        {
            await session.ClearDefaultAsync(ct).ConfigureAwait(false);
            target[currentDefault.Id] = currentDefault with { IsDefault = false };
            defaultChanged = true;
        }
        else if (currentDefault is null && defaultPlan is not null)
        {
            defaultChanged = true;
        }

        var results = new Dictionary<SeedProfile, SeedProfileImport>();
        foreach (var plan in plans.Where(p => p.MatchId is not null))
        {
            results[plan.Seed] = await UpdateAsync(session, plan, target[plan.MatchId!.Value], plan == defaultPlan, ct).ConfigureAwait(false);
        }

        // Profiles whose seed id is free here go first, so that no new id handed out by the store takes one of theirs.
        var created = plans.Where(p => p.MatchId is null).ToArray();
        var keepingIds = created.Where(p => !target.ContainsKey(p.Seed.SeedId)).ToArray();
        foreach (var plan in keepingIds.Concat(created.Except(keepingIds)).ToArray())
        {
            results[plan.Seed] = await CreateAsync(session, plan, target, plan == defaultPlan, ct).ConfigureAwait(false);
        }

        var profiles = seed.Profiles.Select(p => results[p]).ToArray();
        var idBySeedId = profiles.ToDictionary(p => p.SeedId, p => p.ProfileId);
        var (set, unchanged, skipped) = await AssignAsync(session, seed.Assignments, idBySeedId, ct).ConfigureAwait(false);

        var merged = 0;
        foreach (var usage in seed.Usage)
        {
            if (await session.MergeUsageAsync(usage.UserId, usage.Period, usage.InputTokens, usage.OutputTokens, usage.FirstUsageAt, usage.LastUsageAt, ct).ConfigureAwait(false))
            {
                merged++;
            }
        }

        var defaultProfile = defaultSeed is null ? null : new SeedDefaultProfile(defaultSeed.SeedId, results[defaultSeed].ProfileId, results[defaultSeed].Name);
        var changed = defaultChanged || set > 0 || merged > 0 || profiles.Any(p => p.Action != Unchanged);
        return new SeedImportReport(seed.Source, dryRun, changed, profiles, defaultProfile, defaultChanged, set, unchanged, skipped, merged, seed.Usage.Count - merged);
    }

    private const string Created = "created";
    private const string Updated = "updated";
    private const string Unchanged = "unchanged";

    /// <summary>Matches each seed profile to a store profile by name ignoring case, renaming later case-only duplicates.</summary>
    private static List<ProfilePlan> Plan(IReadOnlyList<SeedProfile> seedProfiles, IEnumerable<ConsumptionProfile> target)
    {
        var byName = target.ToDictionary(p => p.Name, p => p.Id, StringComparer.OrdinalIgnoreCase);
        var claimed = new HashSet<long>();
        var newNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var plans = new List<ProfilePlan>();
        foreach (var seed in seedProfiles)
        {
            var name = seed.Name;
            string? note = null;
            if (IsTaken(name))
            {
                var suffix = string.Create(CultureInfo.InvariantCulture, $" ({seed.SeedId})");
                name = seed.Name[..Math.Min(seed.Name.Length, ProfileValidator.MaxNameLength - suffix.Length)].TrimEnd() + suffix;
                note = $"renamed: '{seed.Name}' differs only in case from an earlier seed profile";
                if (IsTaken(name))
                {
                    throw new CliUsageException(
                        $"consumption_profiles row id {seed.SeedId}: its name '{seed.Name}' differs only in case from an earlier profile's, and its new name '{name}' is taken too; rename one of them in the seed and run again. Nothing was written.");
                }
            }

            if (byName.TryGetValue(name, out var id))
            {
                claimed.Add(id);
                plans.Add(new ProfilePlan(seed, name, id, note));
            }
            else
            {
                newNames.Add(name);
                plans.Add(new ProfilePlan(seed, name, null, note));
            }
        }

        return plans;

        bool IsTaken(string name) => newNames.Contains(name) || (byName.TryGetValue(name, out var id) && claimed.Contains(id));
    }

    private static async Task<SeedProfileImport> UpdateAsync(IQuotaAdminSession session, ProfilePlan plan, ConsumptionProfile current, bool isDefault, CancellationToken ct)
    {
        var next = WithSeedFigures(current, plan, isDefault);
        var note = plan.Note ?? (current.Id == plan.Seed.SeedId ? null : $"matched the existing profile '{current.Name}' (id {current.Id})");
        if (next == current)
        {
            return new SeedProfileImport(plan.Seed.SeedId, plan.Seed.Name, Unchanged, current.Id, current.Name, note);
        }

        await session.UpdateProfileAsync(next with { UpdatedAt = session.Now }, ct).ConfigureAwait(false);
        return new SeedProfileImport(plan.Seed.SeedId, plan.Seed.Name, Updated, current.Id, next.Name, note);
    }

    private static async Task<SeedProfileImport> CreateAsync(
        IQuotaAdminSession session, ProfilePlan plan, Dictionary<long, ConsumptionProfile> target, bool isDefault, CancellationToken ct)
    {
        var keepId = !target.ContainsKey(plan.Seed.SeedId);
        var profile = WithSeedFigures(
            new ConsumptionProfile { Id = keepId ? plan.Seed.SeedId : 0, Name = plan.Name, CreatedAt = plan.Seed.CreatedAt ?? session.Now, UpdatedAt = session.Now },
            plan,
            isDefault);
        var id = await session.InsertProfileAsync(profile, ct).ConfigureAwait(false);
        target[id] = profile with { Id = id };
        string?[] notes = [plan.Note, id == plan.Seed.SeedId ? null : $"id {plan.Seed.SeedId} is taken here"];
        var note = string.Join("; ", notes.OfType<string>()) is { Length: > 0 } joined ? joined : null;
        return new SeedProfileImport(plan.Seed.SeedId, plan.Seed.Name, Created, id, plan.Name, note);
    }

    private static ConsumptionProfile WithSeedFigures(ConsumptionProfile profile, ProfilePlan plan, bool isDefault) => profile with
    {
        Name = plan.Name,
        Description = plan.Seed.Description,
        PromptsPerHour = plan.Seed.PromptsPerHour,
        PromptsPerDay = plan.Seed.PromptsPerDay,
        ConfigChangesPerHour = plan.Seed.ConfigChangesPerHour,
        InputTokensPerMonth = plan.Seed.InputTokensPerMonth,
        OutputTokensPerMonth = plan.Seed.OutputTokensPerMonth,
        IsActive = plan.Seed.IsActive,
        IsDefault = isDefault,
    };

    private static async Task<(int Set, int Unchanged, IReadOnlyList<SeedAssignment> Skipped)> AssignAsync(
        IQuotaAdminSession session, IReadOnlyList<SeedAssignment> assignments, Dictionary<long, long> idBySeedId, CancellationToken ct)
    {
        var skipped = new List<SeedAssignment>();
        var unchanged = 0;
        var changes = new Dictionary<long, List<string>>();
        foreach (var assignment in assignments)
        {
            if (!idBySeedId.TryGetValue(assignment.SeedProfileId, out var profileId))
            {
                skipped.Add(assignment);
            }
            else if (await session.GetAssignmentAsync(assignment.UserId, ct).ConfigureAwait(false) == profileId)
            {
                unchanged++;
            }
            else
            {
                (changes.TryGetValue(profileId, out var users) ? users : changes[profileId] = []).Add(assignment.UserId);
            }
        }

        foreach (var (profileId, users) in changes)
        {
            await session.SetAssignmentsAsync(users, profileId, ct).ConfigureAwait(false);
        }

        return (changes.Values.Sum(u => u.Count), unchanged, skipped);
    }

    private static string AuditSummary(SeedImportReport report) => JsonSerializer.Serialize(
        new
        {
            from = report.From,
            profiles = report.Profiles.Select(p => new { seed_id = p.SeedId, action = p.Action, profile_id = p.ProfileId, name = p.Name }),
            default_profile_id = report.DefaultProfile?.ProfileId,
            assignments_set = report.AssignmentsSet,
            assignments_skipped = report.AssignmentsSkipped.Count,
            usage_rows_merged = report.UsageRowsMerged,
        });

    /// <summary>How one seed profile is carried over: its name here and the store profile it matched, if any.</summary>
    private sealed record ProfilePlan(SeedProfile Seed, string Name, long? MatchId, string? Note);

    /// <summary>Ends a dry run's transaction without committing it, carrying the report out.</summary>
    private sealed class RollBack(SeedImportReport report) : Exception
    {
        public SeedImportReport Report { get; } = report;
    }
}
