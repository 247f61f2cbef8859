namespace TokenQuota;

/// <summary>
/// The primitive reads and writes of one administrative transaction (see <see cref="IQuotaStore.ExecuteAdminChangeAsync{T}"/>).
/// Every call sees and makes changes inside that transaction; nothing is visible to others until it commits.
/// </summary>
public interface IQuotaAdminSession
{
    /// <summary>Gets the time of the change, read once from the clock when the transaction began.</summary>
    DateTimeOffset Now { get; }

    /// <summary>Reads every profile with its count of explicitly assigned users.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profiles.</returns>
    Task<IReadOnlyList<ConsumptionProfile>> GetProfilesAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads one profile with its count of assigned users, or <see langword="null"/> when the id is unknown.</summary>
    /// <param name="profileId">The profile id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile, or <see langword="null"/>.</returns>
    Task<ConsumptionProfile?> GetProfileAsync(long profileId, CancellationToken cancellationToken = default);

    /// <summary>Inserts a profile (its <see cref="ConsumptionProfile.Id"/> and <see cref="ConsumptionProfile.UserCount"/> are ignored).</summary>
    /// <param name="profile">The profile to insert.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The new profile id.</returns>
    Task<long> InsertProfileAsync(ConsumptionProfile profile, CancellationToken cancellationToken = default);

    /// <summary>Overwrites every stored field of the profile with <paramref name="profile"/>'s id.</summary>
    /// <param name="profile">The new state of the profile.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when written.</returns>
    Task UpdateProfileAsync(ConsumptionProfile profile, CancellationToken cancellationToken = default);

    /// <summary>Deletes a profile; it must have no assignments left.</summary>
    /// <param name="profileId">The profile id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when written.</returns>
    Task DeleteProfileAsync(long profileId, CancellationToken cancellationToken = default);

    /// <summary>Marks every profile as not the default.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when written.</returns>
    Task ClearDefaultAsync(CancellationToken cancellationToken = default);

    /// <summary>Moves every user assigned to <paramref name="fromProfileId"/> to <paramref name="toProfileId"/>.</summary>
    /// <param name="fromProfileId">The profile whose users move.</param>
    /// <param name="toProfileId">The profile they move to.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many users moved.</returns>
    Task<long> MoveAssignmentsAsync(long fromProfileId, long toProfileId, CancellationToken cancellationToken = default);

    /// <summary>Reads a user's explicit assignment, or <see langword="null"/>.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The assigned profile id, or <see langword="null"/>.</returns>
    Task<long?> GetAssignmentAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Sets (or, with <see langword="null"/>, removes) a user's explicit assignment.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="profileId">The profile to assign, or <see langword="null"/> to return the user to the default.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when written.</returns>
    Task SetAssignmentAsync(string userId, long? profileId, CancellationToken cancellationToken = default);

    /// <summary>Appends an entry to the audit log.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when written.</returns>
    Task WriteAuditAsync(QuotaAuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets (or, with <see langword="null"/>, removes) the explicit assignment of many users at once. The default
    /// implementation calls <see cref="SetAssignmentAsync"/> for each; stores override it with a bulk statement.
    /// </summary>
    /// <param name="userIds">The user ids (validated, distinct).</param>
    /// <param name="profileId">The profile to assign, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when written.</returns>
    async Task SetAssignmentsAsync(IReadOnlyCollection<string> userIds, long? profileId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        foreach (var userId in userIds)
        {
            await SetAssignmentAsync(userId, profileId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads which of <paramref name="userIds"/> have no explicit assignment. The default calls
    /// <see cref="GetAssignmentAsync"/> for each; a store with costly round trips overrides it with one query.
    /// </summary>
    /// <param name="userIds">The user ids (validated, distinct).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ids without an assignment, in any order.</returns>
    async Task<IReadOnlyList<string>> GetUnassignedAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var unassigned = new List<string>();
        foreach (var userId in userIds)
        {
            if (await GetAssignmentAsync(userId, cancellationToken).ConfigureAwait(false) is null)
            {
                unassigned.Add(userId);
            }
        }

        return unassigned;
    }

    /// <summary>
    /// Reads the ids of the users the store knows (with usage or rate-limit history) that have no explicit assignment.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The user ids, distinct.</returns>
    Task<IReadOnlyList<string>> GetKnownUnassignedUsersAsync(CancellationToken cancellationToken = default);
}
