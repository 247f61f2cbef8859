namespace TokenQuota.Storage;

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

    /// <summary>
    /// Inserts a profile (its <see cref="ConsumptionProfile.UserCount"/> is ignored). An <see cref="ConsumptionProfile.Id"/>
    /// of 0 asks the store for a new id; a positive one, which the caller has checked is free (an import keeping the ids
    /// of another installation), is kept by the built-in stores, and later new ids continue after it. A store that
    /// cannot keep it returns the id it chose instead.
    /// </summary>
    /// <param name="profile">The profile to insert.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile's id.</returns>
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

    /// <summary>
    /// Merges a usage row carried over from another installation into the user's usage of <paramref name="period"/>:
    /// each counter becomes the larger of the stored and the given value, the first use the earlier and the last use the
    /// later of the two. Taking the larger value, never the sum, makes a repeated import change nothing. The default
    /// implementation is for a store that cannot merge, and refuses.
    /// </summary>
    /// <param name="userId">The user id (validated).</param>
    /// <param name="period">The calendar month.</param>
    /// <param name="inputTokens">The input tokens used (non-negative).</param>
    /// <param name="outputTokens">The output tokens used (non-negative).</param>
    /// <param name="firstUsageAt">The first use in the period.</param>
    /// <param name="lastUsageAt">The last use in the period.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the stored row was inserted or changed.</returns>
    /// <exception cref="NotSupportedException">The store cannot merge usage.</exception>
    Task<bool> MergeUsageAsync(
        string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset firstUsageAt, DateTimeOffset lastUsageAt,
        CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"The store ({GetType().Name}) cannot merge usage carried over from another installation.");

    /// <summary>Reads the stored rate-limit settings inside the transaction (see <see cref="IQuotaStore.GetRateLimitSettingsAsync"/>).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored values; each is <see langword="null"/> until first stored.</returns>
    Task<StoredRateLimitSettings> GetRateLimitSettingsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(default(StoredRateLimitSettings));

    /// <summary>
    /// Stores both rate-limit settings (inserting them when they were never stored). The default implementation is for
    /// a store that keeps no settings, and refuses.
    /// </summary>
    /// <param name="settings">The values to store.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when written.</returns>
    /// <exception cref="NotSupportedException">The store keeps no rate-limit settings.</exception>
    Task SetRateLimitSettingsAsync(RateLimitSettings settings, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"The store ({GetType().Name}) keeps no rate-limit settings; set RateLimitOptions at start-up instead.");

    /// <summary>Reads the price catalogue in this transaction; a store that keeps none returns none.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<ModelPrice>> GetModelPricesAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ModelPrice>>([]);

    /// <summary>Writes a model price, replacing the one of the same model filter (as written) and instant.</summary>
    /// <param name="price">The price.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="NotSupportedException">The store keeps no price catalogue.</exception>
    Task SetModelPriceAsync(ModelPrice price, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("This store keeps no price catalogue.");

    /// <summary>Removes the price of a model filter (as written) from an instant.</summary>
    /// <param name="model">The model filter as stored.</param>
    /// <param name="effectiveFrom">The instant the price takes effect.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="NotSupportedException">The store keeps no price catalogue.</exception>
    Task RemoveModelPriceAsync(string model, DateTimeOffset effectiveFrom, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("This store keeps no price catalogue.");

    /// <summary>Appends an entry to the audit log.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when written.</returns>
    Task WriteAuditAsync(QuotaAuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Reads every team, each with its member count.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<QuotaTeam>> GetTeamsAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NoTeams);

    /// <summary>Inserts a team and returns its id.</summary>
    /// <param name="team">The team (its id is ignored).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task<long> InsertTeamAsync(QuotaTeam team, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NoTeams);

    /// <summary>Writes a team's name, organisation and profile.</summary>
    /// <param name="team">The team as it is to be.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task UpdateTeamAsync(QuotaTeam team, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NoTeams);

    /// <summary>Deletes a team that has no members.</summary>
    /// <param name="teamId">The team.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task DeleteTeamAsync(long teamId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NoTeams);

    /// <summary>Reads every organisation, each with its team count.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<QuotaOrganisation>> GetOrganisationsAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NoTeams);

    /// <summary>Inserts an organisation and returns its id.</summary>
    /// <param name="organisation">The organisation (its id is ignored).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task<long> InsertOrganisationAsync(QuotaOrganisation organisation, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NoTeams);

    /// <summary>Writes an organisation's name and profile.</summary>
    /// <param name="organisation">The organisation as it is to be.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task UpdateOrganisationAsync(QuotaOrganisation organisation, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NoTeams);

    /// <summary>Deletes an organisation that has no teams.</summary>
    /// <param name="organisationId">The organisation.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task DeleteOrganisationAsync(long organisationId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NoTeams);

    /// <summary>Reads the team a user belongs to, or <see langword="null"/> if none.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<long?> GetTeamOfAsync(string userId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NoTeams);

    /// <summary>Makes a user a member of a team (leaving any other), or of none.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="teamId">The team, or <see langword="null"/> to leave the user's team.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task SetTeamOfAsync(string userId, long? teamId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NoTeams);

    /// <summary>Moves every team and organisation that uses one profile to another; returns how many moved.</summary>
    /// <param name="fromProfileId">The profile they use now.</param>
    /// <param name="toProfileId">The profile they are to use.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task<long> MoveSubjectProfilesAsync(long fromProfileId, long toProfileId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NoTeams);

    private const string NoTeams = "This store keeps no teams or organisations.";

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
