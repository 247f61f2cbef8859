using System.Text.Json;
using Microsoft.Extensions.Logging;
using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>
/// The rules of profile administration, applied inside one store transaction per operation so that a refused
/// operation changes nothing and every change is written together with its audit entry.
/// </summary>
internal sealed partial class ConsumptionProfileManager(
    IQuotaStore store, ProfileResolver resolver, ILogger<ConsumptionProfileManager> logger, IUserDirectory? directory = null)
    : IConsumptionProfileManager
{
    public async Task<IReadOnlyList<ConsumptionProfile>> ListAsync(CancellationToken cancellationToken = default)
    {
        var profiles = await Guard("list profiles", () => store.GetProfilesAsync(cancellationToken)).ConfigureAwait(false);
        return profiles
            .OrderByDescending(p => p.IsDefault)
            .ThenBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(p => p.Id)
            .ToArray();
    }

    public async Task<ConsumptionProfile> GetAsync(long profileId, CancellationToken cancellationToken = default)
    {
        var profiles = await Guard("get profile", () => store.GetProfilesAsync(cancellationToken)).ConfigureAwait(false);
        return profiles.FirstOrDefault(p => p.Id == profileId) ?? throw new ConsumptionProfileNotFoundException(profileId);
    }

    public async Task<ConsumptionProfile> CreateAsync(NewConsumptionProfile profile, string? actor = null, CancellationToken cancellationToken = default)
    {
        var name = ProfileValidator.ValidateNew(profile);
        var made = await Change("create profile", async (session, ct) =>
        {
            var all = await session.GetProfilesAsync(ct).ConfigureAwait(false);
            EnsureNameIsFree(all, name, exceptId: null);
            if (profile.IsDefault && !profile.IsActive)
            {
                throw new ConsumptionProfileOperationRefusedException(
                    ProfileRefusalReason.ProfileInactive, "An inactive profile cannot be the default.");
            }

            if (profile.IsDefault)
            {
                await session.ClearDefaultAsync(ct).ConfigureAwait(false);
            }

            var created = new ConsumptionProfile
            {
                Name = name,
                Description = profile.Description,
                PromptsPerHour = profile.PromptsPerHour,
                PromptsPerDay = profile.PromptsPerDay,
                ConfigChangesPerHour = profile.ConfigChangesPerHour,
                InputTokensPerMonth = profile.InputTokensPerMonth,
                OutputTokensPerMonth = profile.OutputTokensPerMonth,
                TimeZone = profile.TimeZone,
                AnchorDay = profile.AnchorDay,
                WeekStart = profile.WeekStart,
                Limits = [.. profile.Limits],
                IsDefault = profile.IsDefault,
                IsActive = profile.IsActive,
                CreatedAt = session.Now,
                UpdatedAt = session.Now,
            };
            var id = await session.InsertProfileAsync(created, ct).ConfigureAwait(false);
            created = created with { Id = id };
            await Audit(session, actor, QuotaAuditActions.ProfileCreated, ProfileTarget(id), null, Json(created), ct).ConfigureAwait(false);
            return created;
        }, cancellationToken).ConfigureAwait(false);
        await WarnOfUnpricedCostLimitsAsync(made, cancellationToken).ConfigureAwait(false);
        return made;
    }

    public async Task<ConsumptionProfile> UpdateAsync(long profileId, ConsumptionProfileUpdate update, string? actor = null, CancellationToken cancellationToken = default)
    {
        var updated = await ApplyUpdate(profileId, update, actor, QuotaAuditActions.ProfileUpdated, cancellationToken).ConfigureAwait(false);
        await WarnOfUnpricedCostLimitsAsync(updated, cancellationToken).ConfigureAwait(false);
        return updated;
    }

    public Task<ConsumptionProfile> ActivateAsync(long profileId, string? actor = null, CancellationToken cancellationToken = default) =>
        ApplyUpdate(profileId, new ConsumptionProfileUpdate { IsActive = true }, actor, QuotaAuditActions.ProfileActivated, cancellationToken);

    public Task<ConsumptionProfile> DeactivateAsync(long profileId, string? actor = null, CancellationToken cancellationToken = default) =>
        ApplyUpdate(profileId, new ConsumptionProfileUpdate { IsActive = false }, actor, QuotaAuditActions.ProfileDeactivated, cancellationToken);

    private Task<ConsumptionProfile> ApplyUpdate(long profileId, ConsumptionProfileUpdate update, string? actor, string action, CancellationToken cancellationToken)
    {
        var name = ProfileValidator.ValidateUpdate(update);
        return Change("update profile", async (session, ct) =>
        {
            var current = await session.GetProfileAsync(profileId, ct).ConfigureAwait(false)
                ?? throw new ConsumptionProfileNotFoundException(profileId);
            if (name is not null && !string.Equals(name, current.Name, StringComparison.Ordinal))
            {
                EnsureNameIsFree(await session.GetProfilesAsync(ct).ConfigureAwait(false), name, exceptId: profileId);
            }

            var next = current with
            {
                Name = name ?? current.Name,
                Description = update.Description.GetValueOrDefault(current.Description),
                PromptsPerHour = update.PromptsPerHour ?? current.PromptsPerHour,
                PromptsPerDay = update.PromptsPerDay ?? current.PromptsPerDay,
                ConfigChangesPerHour = update.ConfigChangesPerHour ?? current.ConfigChangesPerHour,
                InputTokensPerMonth = update.InputTokensPerMonth.GetValueOrDefault(current.InputTokensPerMonth),
                OutputTokensPerMonth = update.OutputTokensPerMonth.GetValueOrDefault(current.OutputTokensPerMonth),
                TimeZone = update.TimeZone ?? current.TimeZone,
                AnchorDay = update.AnchorDay ?? current.AnchorDay,
                WeekStart = update.WeekStart ?? current.WeekStart,
                Limits = update.Limits is { } limits && !limits.SequenceEqual(current.Limits) ? [.. limits] : current.Limits,
                IsDefault = update.IsDefault ?? current.IsDefault,
                IsActive = update.IsActive ?? current.IsActive,
                UpdatedAt = session.Now,
            };

            if (next.IsDefault && !next.IsActive)
            {
                throw current.IsDefault
                    ? new ConsumptionProfileOperationRefusedException(
                        ProfileRefusalReason.DefaultProfileCannotBeDeactivated,
                        "Cannot deactivate the default profile. Make another profile the default first.")
                    : new ConsumptionProfileOperationRefusedException(
                        ProfileRefusalReason.ProfileInactive, "An inactive profile cannot be the default.");
            }

            if (next.IsDefault && !current.IsDefault)
            {
                await session.ClearDefaultAsync(ct).ConfigureAwait(false);
            }

            if (next == current with { UpdatedAt = session.Now })
            {
                return current;
            }

            await session.UpdateProfileAsync(next, ct).ConfigureAwait(false);
            await Audit(session, actor, action, ProfileTarget(profileId), Json(current), Json(next), ct).ConfigureAwait(false);
            return next;
        }, cancellationToken);
    }

    public Task DeleteAsync(long profileId, long? reassignTo = null, string? actor = null, CancellationToken cancellationToken = default) =>
        Change("delete profile", async (session, ct) =>
        {
            var current = await session.GetProfileAsync(profileId, ct).ConfigureAwait(false)
                ?? throw new ConsumptionProfileNotFoundException(profileId);
            if (current.IsDefault)
            {
                throw new ConsumptionProfileOperationRefusedException(
                    ProfileRefusalReason.DefaultProfileCannotBeDeleted,
                    "Cannot delete the default profile. Make another profile the default first.");
            }

            ConsumptionProfile? target = null;
            if (reassignTo is { } targetId)
            {
                if (targetId == profileId)
                {
                    throw new ConsumptionProfileOperationRefusedException(
                        ProfileRefusalReason.InvalidReassignment, "Users cannot be moved to the profile being deleted.");
                }

                target = await session.GetProfileAsync(targetId, ct).ConfigureAwait(false)
                    ?? throw new ConsumptionProfileNotFoundException(targetId);
                if (!target.IsActive)
                {
                    throw new ConsumptionProfileOperationRefusedException(
                        ProfileRefusalReason.ProfileInactive, $"Cannot move users to the inactive profile \"{target.Name}\".");
                }
            }

            var teams = await session.GetTeamsAsync(ct).ConfigureAwait(false);
            var organisations = await session.GetOrganisationsAsync(ct).ConfigureAwait(false);
            var subjects = teams.Count(t => t.ProfileId == profileId) + organisations.Count(o => o.ProfileId == profileId);
            if (subjects > 0)
            {
                if (target is null)
                {
                    throw new ConsumptionProfileOperationRefusedException(
                        ProfileRefusalReason.ProfileInUse, $"Cannot delete profile. {subjects} team(s) or organisation(s) use it.", current.UserCount);
                }

                await session.MoveSubjectProfilesAsync(profileId, target.Id, ct).ConfigureAwait(false);
            }

            if (current.UserCount > 0)
            {
                if (target is null)
                {
                    throw new ConsumptionProfileOperationRefusedException(
                        ProfileRefusalReason.ProfileInUse,
                        $"Cannot delete profile. {current.UserCount} user(s) are assigned to it.",
                        current.UserCount);
                }

                await session.MoveAssignmentsAsync(profileId, target.Id, ct).ConfigureAwait(false);
            }

            await session.DeleteProfileAsync(profileId, ct).ConfigureAwait(false);
            var after = target is null ? null : JsonSerializer.Serialize(new { moved_users_to = target.Id, moved_user_count = current.UserCount });
            await Audit(session, actor, QuotaAuditActions.ProfileDeleted, ProfileTarget(profileId), Json(current), after, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<ConsumptionProfile> SetDefaultAsync(long profileId, string? actor = null, CancellationToken cancellationToken = default) =>
        Change("set default profile", async (session, ct) =>
        {
            var current = await session.GetProfileAsync(profileId, ct).ConfigureAwait(false)
                ?? throw new ConsumptionProfileNotFoundException(profileId);
            if (!current.IsActive)
            {
                throw new ConsumptionProfileOperationRefusedException(
                    ProfileRefusalReason.ProfileInactive, $"Cannot make the inactive profile \"{current.Name}\" the default.");
            }

            if (current.IsDefault)
            {
                return current;
            }

            await session.ClearDefaultAsync(ct).ConfigureAwait(false);
            var next = current with { IsDefault = true, UpdatedAt = session.Now };
            await session.UpdateProfileAsync(next, ct).ConfigureAwait(false);
            await Audit(session, actor, QuotaAuditActions.DefaultSet, ProfileTarget(profileId), Json(current), Json(next), ct).ConfigureAwait(false);
            return next;
        }, cancellationToken);

    private static void EnsureNameIsFree(IEnumerable<ConsumptionProfile> profiles, string name, long? exceptId)
    {
        if (profiles.Any(p => p.Id != exceptId && string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ConsumptionProfileConflictException(name);
        }
    }

    private static string ProfileTarget(long id) => "profile:" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Json(ConsumptionProfile profile) => JsonSerializer.Serialize(profile with { UserCount = 0 });

    private Task Audit(IQuotaAdminSession session, string? actor, string action, string target, string? before, string? after, CancellationToken ct)
    {
        TokenQuotaLog.AdminChange(logger, action, target, actor);
        return session.WriteAuditAsync(new QuotaAuditEntry(session.Now, actor, action, target, before, after), ct);
    }

    private async Task<T> Change<T>(string operation, Func<IQuotaAdminSession, CancellationToken, Task<T>> change, CancellationToken cancellationToken)
    {
        try
        {
            return await Guard(operation, () => store.ExecuteAdminChangeAsync(change, cancellationToken)).ConfigureAwait(false);
        }
        finally
        {
            resolver.Invalidate();
        }
    }

    private static Task<T> Guard<T>(string operation, Func<Task<T>> call) => StoreCall.Run(operation, call);
}