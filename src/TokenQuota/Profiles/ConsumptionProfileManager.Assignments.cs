using System.Text.Json;
using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>Assignments of users to profiles: one user, many users, and every user not yet assigned.</summary>
internal sealed partial class ConsumptionProfileManager
{
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

    private static string? AssignmentJson(long? profileId) => profileId is null ? null : JsonSerializer.Serialize(new { profile_id = profileId });
}
