using System.Text.Json;
using Microsoft.Extensions.Logging;
using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>
/// The rules of profile administration, applied inside one store transaction per operation so that a refused
/// operation changes nothing and every change is written together with its audit entry.
/// </summary>
internal sealed class ConsumptionProfileManager(
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

    public Task<ConsumptionProfile> CreateAsync(NewConsumptionProfile profile, string? actor = null, CancellationToken cancellationToken = default)
    {
        var name = ProfileValidator.ValidateNew(profile);
        return Change("create profile", async (session, ct) =>
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
                IsDefault = profile.IsDefault,
                IsActive = profile.IsActive,
                CreatedAt = session.Now,
                UpdatedAt = session.Now,
            };
            var id = await session.InsertProfileAsync(created, ct).ConfigureAwait(false);
            created = created with { Id = id };
            await Audit(session, actor, QuotaAuditActions.ProfileCreated, ProfileTarget(id), null, Json(created), ct).ConfigureAwait(false);
            return created;
        }, cancellationToken);
    }

    public Task<ConsumptionProfile> UpdateAsync(long profileId, ConsumptionProfileUpdate update, string? actor = null, CancellationToken cancellationToken = default) =>
        ApplyUpdate(profileId, update, actor, QuotaAuditActions.ProfileUpdated, cancellationToken);

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

    public async Task AssignAsync(string userId, long? profileId, string? actor = null, CancellationToken cancellationToken = default)
    {
        UserIds.Validate(userId);

        // Before the transaction: the host's directory is never called while the store holds its write lock.
        if (directory is not null && profileId is not null && !await directory.ExistsAsync(userId, cancellationToken).ConfigureAwait(false))
        {
            throw new UnknownUserException(userId);
        }

        await Change("assign profile", async (session, ct) =>
        {
            await RequireAssignableAsync(session, profileId, ct).ConfigureAwait(false);
            var before = await session.GetAssignmentAsync(userId, ct).ConfigureAwait(false);
            if (before == profileId)
            {
                return false;
            }

            await session.SetAssignmentAsync(userId, profileId, ct).ConfigureAwait(false);
            var action = profileId is null ? QuotaAuditActions.UserUnassigned : QuotaAuditActions.UserAssigned;
            await Audit(session, actor, action, "user:" + userId, AssignmentJson(before), AssignmentJson(profileId), ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> AssignManyAsync(IReadOnlyCollection<string> userIds, long? profileId, string? actor = null, CancellationToken cancellationToken = default)
    {
        var ids = ValidateUserIdList(userIds, nameof(userIds));
        if (directory is not null && profileId is not null)
        {
            var unknown = await directory.FindUnknownAsync(ids, cancellationToken).ConfigureAwait(false);
            if (unknown.Count > 0)
            {
                throw new UnknownUserException(unknown);
            }
        }

        return await Change<int>("assign profiles", async (session, ct) =>
        {
            await RequireAssignableAsync(session, profileId, ct).ConfigureAwait(false);
            await session.SetAssignmentsAsync(ids, profileId, ct).ConfigureAwait(false);
            var after = JsonSerializer.Serialize(new { profile_id = profileId, user_count = ids.Length, user_ids = ids });
            await Audit(session, actor, QuotaAuditActions.UsersBulkAssigned, "users", null, after, ct).ConfigureAwait(false);
            return ids.Length;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<PagedResult<UserAssignment>> ListAssignmentsAsync(long profileId, int offset = 0, int limit = 100, CancellationToken cancellationToken = default)
    {
        Paging.Validate(offset, limit);
        _ = await GetAsync(profileId, cancellationToken).ConfigureAwait(false);
        return await Guard("list assignments", () => store.ListAssignmentsAsync(profileId, offset, limit, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<ProfileAssignmentSummary> AssignProfileToUnassignedUsersAsync(
        string profileName,
        bool makeDefault,
        IReadOnlyCollection<string>? additionalUserIds = null,
        string? actor = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(profileName);
        var extra = additionalUserIds is null || additionalUserIds.Count == 0
            ? []
            : ValidateUserIdList(additionalUserIds, nameof(additionalUserIds));
        int? directoryUserCount = null;
        if (directory is not null)
        {
            var listed = await ReadDirectoryAsync(directory, cancellationToken).ConfigureAwait(false);
            directoryUserCount = listed.Count;
            listed.UnionWith(extra);
            extra = [.. listed];
        }

        // The operation names the profile, so a store failure reads as it did when the step was Unlimited's only.
        return await Change($"assign {profileName} to existing users", async (session, ct) =>
        {
            var profiles = await session.GetProfilesAsync(ct).ConfigureAwait(false);
            var target = profiles.FirstOrDefault(p => string.Equals(p.Name, profileName, StringComparison.OrdinalIgnoreCase))
                ?? throw new ConsumptionProfileOperationRefusedException(
                    ProfileRefusalReason.RequiredProfileMissing, $"No profile named \"{profileName}\" exists; create it before running this step.");
            if (!target.IsActive)
            {
                throw new ConsumptionProfileOperationRefusedException(
                    ProfileRefusalReason.ProfileInactive, $"The {profileName} profile is inactive; activate it before running this step.");
            }

            var users = new HashSet<string>(await session.GetKnownUnassignedUsersAsync(ct).ConfigureAwait(false), StringComparer.Ordinal);
            var others = extra.Where(id => !users.Contains(id)).ToArray();
            if (others.Length > 0)
            {
                users.UnionWith(await session.GetUnassignedAsync(others, ct).ConfigureAwait(false));
            }

            var assigned = users.Order(StringComparer.Ordinal).ToArray();
            if (assigned.Length > 0)
            {
                await session.SetAssignmentsAsync(assigned, target.Id, ct).ConfigureAwait(false);
            }

            var madeDefault = makeDefault && !target.IsDefault;
            if (madeDefault)
            {
                await session.ClearDefaultAsync(ct).ConfigureAwait(false);
                await session.UpdateProfileAsync(target with { IsDefault = true, UpdatedAt = session.Now }, ct).ConfigureAwait(false);
            }

            if (assigned.Length > 0 || madeDefault)
            {
                var after = JsonSerializer.Serialize(new { profile_id = target.Id, made_default = madeDefault, user_count = assigned.Length, user_ids = assigned });
                await Audit(session, actor, QuotaAuditActions.UnassignedUsersAssigned, ProfileTarget(target.Id), null, after, ct).ConfigureAwait(false);
            }

            var summary = (await session.GetProfilesAsync(ct).ConfigureAwait(false))
                .OrderByDescending(p => p.IsDefault).ThenBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Id).ToArray();
            return new ProfileAssignmentSummary(target.Id, assigned.Length, summary) { DirectoryUserCount = directoryUserCount };
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<PagedResult<QuotaAuditEntry>> QueryAuditLogAsync(QuotaAuditQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new QuotaAuditQuery();
        Paging.Validate(query.Offset, query.Limit);
        if (query.From is { } from && query.To is { } to && to < from)
        {
            throw new ArgumentException($"The audit query's To ({to:O}) is before its From ({from:O}).", nameof(query));
        }

        return Guard("query audit log", () => store.QueryAuditLogAsync(query, cancellationToken));
    }

    public async Task<ConsumptionProfile?> GetEffectiveProfileAsync(string userId, CancellationToken cancellationToken = default)
    {
        UserIds.Validate(userId);
        return await Guard("resolve profile", () => resolver.ResolveAsync(userId, cancellationToken).AsTask()).ConfigureAwait(false);
    }

    public async Task<RateLimitSettings> GetRateLimitSettingsAsync(CancellationToken cancellationToken = default)
    {
        var stored = await Guard("read rate-limit settings", () => store.GetRateLimitSettingsAsync(cancellationToken)).ConfigureAwait(false);
        return RateLimitSettings.From(stored, resolver.DefaultSettings);
    }

    public Task<RateLimitSettings> UpdateRateLimitSettingsAsync(RateLimitSettingsUpdate update, string? actor = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Change("update rate-limit settings", async (session, ct) =>
        {
            var stored = await session.GetRateLimitSettingsAsync(ct).ConfigureAwait(false);
            var current = RateLimitSettings.From(stored, resolver.DefaultSettings);
            var next = new RateLimitSettings
            {
                Enabled = update.Enabled ?? current.Enabled,
                GlobalOverride = update.GlobalOverride ?? current.GlobalOverride,
            };

            // Values that are only start-up defaults are stored even when unchanged: from the first change on, the
            // database decides for every process, whatever each one's options say.
            var fullyStored = stored.Enabled is not null && stored.GlobalOverride is not null;
            if (next == current && fullyStored)
            {
                return current;
            }

            await session.SetRateLimitSettingsAsync(next, ct).ConfigureAwait(false);
            await Audit(session, actor, QuotaAuditActions.RateLimitSettingsUpdated, RateLimitSettingsTarget, JsonSerializer.Serialize(current), JsonSerializer.Serialize(next), ct).ConfigureAwait(false);
            return next;
        }, cancellationToken);
    }

    private const string RateLimitSettingsTarget = "rate_limit_settings";

    /// <summary>Reads every id the directory lists, once each; an invalid id is the host's bug and is named.</summary>
    private static async Task<HashSet<string>> ReadDirectoryAsync(IUserDirectory directory, CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var userId in directory.ListUserIdsAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                UserIds.Validate(userId, nameof(userId));
            }
            catch (ArgumentException ex)
            {
                throw new InvalidOperationException(
                    $"The user directory {directory.GetType().Name} listed an invalid user id ('{userId}'): {ex.Message}", ex);
            }

            ids.Add(userId);
        }

        return ids;
    }

    private static string[] ValidateUserIdList(IReadOnlyCollection<string> userIds, string paramName)
    {
        ArgumentNullException.ThrowIfNull(userIds, paramName);
        if (userIds.Count == 0)
        {
            throw new ArgumentException("The list of user ids is empty.", paramName);
        }

        var seen = new HashSet<string>(userIds.Count, StringComparer.Ordinal);
        var position = 0;
        foreach (var userId in userIds)
        {
            position++;
            try
            {
                UserIds.Validate(userId, paramName);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"User id #{position} ('{userId}') is invalid: {ex.Message}", paramName, ex);
            }

            if (!seen.Add(userId))
            {
                throw new ArgumentException($"User id '{userId}' appears more than once (again at #{position}).", paramName);
            }
        }

        return [.. userIds];
    }

    private static async Task RequireAssignableAsync(IQuotaAdminSession session, long? profileId, CancellationToken ct)
    {
        if (profileId is not { } id)
        {
            return;
        }

        var profile = await session.GetProfileAsync(id, ct).ConfigureAwait(false)
            ?? throw new ConsumptionProfileNotFoundException(id);
        if (!profile.IsActive)
        {
            throw new ConsumptionProfileOperationRefusedException(
                ProfileRefusalReason.ProfileInactive, $"Consumption profile \"{profile.Name}\" is inactive and cannot be assigned.");
        }
    }

    private static void EnsureNameIsFree(IEnumerable<ConsumptionProfile> profiles, string name, long? exceptId)
    {
        if (profiles.Any(p => p.Id != exceptId && string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ConsumptionProfileConflictException(name);
        }
    }

    private static string ProfileTarget(long id) => "profile:" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Json(ConsumptionProfile profile) => JsonSerializer.Serialize(profile with { UserCount = 0 });

    private static string? AssignmentJson(long? profileId) => profileId is null ? null : JsonSerializer.Serialize(new { profile_id = profileId });

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
