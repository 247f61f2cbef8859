namespace TokenQuota;

/// <summary>
/// Administers consumption profiles and user assignments. Every operation is atomic (a refused operation changes
/// nothing) and every change writes an audit entry in the same transaction.
/// </summary>
public interface IConsumptionProfileManager
{
    /// <summary>Lists every profile: the default first, then the rest by name, each with its count of assigned users.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profiles.</returns>
    Task<IReadOnlyList<ConsumptionProfile>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads one profile.</summary>
    /// <param name="profileId">The profile id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="ConsumptionProfileNotFoundException">No profile has that id.</exception>
    Task<ConsumptionProfile> GetAsync(long profileId, CancellationToken cancellationToken = default);

    /// <summary>Creates a profile. When it is the default, the previous default is unset in the same transaction.</summary>
    /// <param name="profile">The fields of the new profile.</param>
    /// <param name="actor">Who makes the change, for the audit log; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The created profile.</returns>
    /// <exception cref="ConsumptionProfileValidationException">A field is invalid.</exception>
    /// <exception cref="ConsumptionProfileConflictException">Another profile has the name, ignoring case.</exception>
    /// <exception cref="ConsumptionProfileOperationRefusedException">An inactive profile was to be the default.</exception>
    Task<ConsumptionProfile> CreateAsync(NewConsumptionProfile profile, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Changes the fields that <paramref name="update"/> sets, and only those.</summary>
    /// <param name="profileId">The profile id.</param>
    /// <param name="update">The fields to change.</param>
    /// <param name="actor">Who makes the change, for the audit log; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The updated profile.</returns>
    /// <exception cref="ConsumptionProfileNotFoundException">No profile has that id.</exception>
    /// <exception cref="ConsumptionProfileValidationException">A field is invalid.</exception>
    /// <exception cref="ConsumptionProfileConflictException">Another profile has the new name, ignoring case.</exception>
    /// <exception cref="ConsumptionProfileOperationRefusedException">The default profile would be deactivated.</exception>
    Task<ConsumptionProfile> UpdateAsync(long profileId, ConsumptionProfileUpdate update, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a profile. The default profile cannot be deleted. A profile with assigned users is deleted only when
    /// <paramref name="reassignTo"/> names an active profile to move them to, in the same transaction.
    /// </summary>
    /// <param name="profileId">The profile id.</param>
    /// <param name="reassignTo">The profile that receives the assigned users, or <see langword="null"/>.</param>
    /// <param name="actor">Who makes the change, for the audit log; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the profile is deleted.</returns>
    /// <exception cref="ConsumptionProfileNotFoundException">No profile has that id, or <paramref name="reassignTo"/> is unknown.</exception>
    /// <exception cref="ConsumptionProfileOperationRefusedException">The profile is the default, or is in use and no target was named.</exception>
    Task DeleteAsync(long profileId, long? reassignTo = null, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Makes an active profile the default and unsets the previous default, in one transaction.</summary>
    /// <param name="profileId">The profile id.</param>
    /// <param name="actor">Who makes the change, for the audit log; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The new default profile.</returns>
    /// <exception cref="ConsumptionProfileNotFoundException">No profile has that id.</exception>
    /// <exception cref="ConsumptionProfileOperationRefusedException">The profile is inactive.</exception>
    Task<ConsumptionProfile> SetDefaultAsync(long profileId, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Assigns a user to an existing, active profile, or with <see langword="null"/> returns the user to the default.
    /// With an <see cref="IUserDirectory"/> registered, the user must exist in it to be assigned a profile; removing an
    /// assignment is allowed for any id, so the assignment of a user the host has deleted can still be cleaned up.
    /// </summary>
    /// <param name="userId">The user id, 1–128 characters.</param>
    /// <param name="profileId">The profile to assign, or <see langword="null"/>.</param>
    /// <param name="actor">Who makes the change, for the audit log; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the assignment is stored.</returns>
    /// <exception cref="ArgumentException">The user id is invalid.</exception>
    /// <exception cref="UnknownUserException">A profile was to be assigned and the registered directory does not know the user.</exception>
    /// <exception cref="ConsumptionProfileNotFoundException">No profile has that id.</exception>
    /// <exception cref="ConsumptionProfileOperationRefusedException">The profile is inactive.</exception>
    Task AssignAsync(string userId, long? profileId, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Resolves the profile that applies to a user: the assigned active profile, else the active default, else none.</summary>
    /// <param name="userId">The user id, 1–128 characters.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile, or <see langword="null"/> when none applies (tokens unlimited, system-default rate limits).</returns>
    Task<ConsumptionProfile?> GetEffectiveProfileAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Activates a profile, so it can be assigned and applies to its users again.</summary>
    /// <param name="profileId">The profile id.</param>
    /// <param name="actor">Who makes the change, for the audit log; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="ConsumptionProfileNotFoundException">No profile has that id.</exception>
    Task<ConsumptionProfile> ActivateAsync(long profileId, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Deactivates a profile: its users fall back to the default profile. The default profile cannot be deactivated.</summary>
    /// <param name="profileId">The profile id.</param>
    /// <param name="actor">Who makes the change, for the audit log; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="ConsumptionProfileNotFoundException">No profile has that id.</exception>
    /// <exception cref="ConsumptionProfileOperationRefusedException">The profile is the default.</exception>
    Task<ConsumptionProfile> DeactivateAsync(long profileId, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Assigns many users to an active profile (or, with <see langword="null"/>, returns them to the default) in one
    /// transaction: all or nothing. Every id is validated first; duplicates are refused. With an
    /// <see cref="IUserDirectory"/> registered, assigning a profile is refused, and nothing written, when any id names
    /// no user; removing assignments is allowed for any id.
    /// </summary>
    /// <param name="userIds">The user ids: at least one, distinct, each 1–128 characters.</param>
    /// <param name="profileId">The profile to assign, or <see langword="null"/>.</param>
    /// <param name="actor">Who makes the change, for the audit log; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many users were assigned.</returns>
    /// <exception cref="ArgumentException">The list is empty, holds a duplicate or an invalid id (named in the message).</exception>
    /// <exception cref="UnknownUserException">A profile was to be assigned and the registered directory does not know some ids (all named).</exception>
    /// <exception cref="ConsumptionProfileNotFoundException">No profile has that id.</exception>
    /// <exception cref="ConsumptionProfileOperationRefusedException">The profile is inactive.</exception>
    Task<int> AssignManyAsync(IReadOnlyCollection<string> userIds, long? profileId, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Lists the users explicitly assigned to a profile, by user id, one page at a time.</summary>
    /// <param name="profileId">The profile id.</param>
    /// <param name="offset">Rows to skip (≥ 0).</param>
    /// <param name="limit">Page size, 1 to <see cref="Paging.MaxLimit"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One page of assignments and the total count.</returns>
    /// <exception cref="ConsumptionProfileNotFoundException">No profile has that id.</exception>
    Task<PagedResult<UserAssignment>> ListAssignmentsAsync(long profileId, int offset = 0, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>
    /// A maintenance step, idempotent: assigns the profile named <paramref name="profileName"/> to every user the store
    /// knows (with usage or rate-limit history) who has no explicit assignment, plus the given user ids and, when an
    /// <see cref="IUserDirectory"/> is registered, every user it lists, that have none; then, with
    /// <paramref name="makeDefault"/>, it makes that profile the default, all in one transaction. With a directory it
    /// covers every existing user without a profile (the seed's <c>assign_unlimited_profiles</c> step is this with
    /// <c>"Unlimited"</c>, as the CLI's <c>assign-unlimited</c> runs it).
    /// </summary>
    /// <param name="profileName">The name of the profile to assign, matched case-insensitively; it must be active.</param>
    /// <param name="makeDefault">Whether the profile also becomes the default, for users seen later.</param>
    /// <param name="additionalUserIds">More user ids to cover, for example every user of the host; may be <see langword="null"/>.</param>
    /// <param name="actor">Who runs the step, for the audit log; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A per-profile summary.</returns>
    /// <exception cref="ArgumentException"><paramref name="profileName"/> is empty, or a user id is invalid.</exception>
    /// <exception cref="ConsumptionProfileOperationRefusedException">No profile has that name, or it is inactive.</exception>
    /// <exception cref="InvalidOperationException">The registered directory listed an invalid user id.</exception>
    Task<ProfileAssignmentSummary> AssignProfileToUnassignedUsersAsync(
        string profileName,
        bool makeDefault,
        IReadOnlyCollection<string>? additionalUserIds = null,
        string? actor = null,
        CancellationToken cancellationToken = default);

    /// <summary>Reads the audit log, newest first, filtered and paged.</summary>
    /// <param name="query">The filter and page; <see langword="null"/> for the newest 100 entries.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One page of entries and the total count of matches.</returns>
    Task<PagedResult<QuotaAuditEntry>> QueryAuditLogAsync(QuotaAuditQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the run-time rate-limit settings from the store: the stored values, or, in a database where none were ever
    /// stored, this process's <see cref="RateLimitOptions.Enabled"/> and <see cref="RateLimitOptions.GlobalOverride"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The settings in force.</returns>
    Task<RateLimitSettings> GetRateLimitSettingsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes the run-time rate-limit settings that <paramref name="update"/> sets, in one transaction with its audit
    /// entry (before and after). The first change stores both values, so from then on every process uses the
    /// database's settings rather than its start-up options. The configuration version moves on, so every process,
    /// including other processes on the same database, applies the change at its next configuration-version read,
    /// without a restart. A change to the values already stored writes nothing.
    /// </summary>
    /// <param name="update">The values to change.</param>
    /// <param name="actor">Who makes the change, for the audit log; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The settings in force after the change.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is <see langword="null"/>.</exception>
    Task<RateLimitSettings> UpdateRateLimitSettingsAsync(RateLimitSettingsUpdate update, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the price catalogue: every model price, past, present and future, by model and instant.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The prices.</returns>
    Task<IReadOnlyList<ModelPrice>> ListModelPricesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the price of a model from an instant on, replacing a price of the same model (ignoring case) and instant, in
    /// one transaction with its audit entry. Usage is priced with the price in force at its time, so a new price never
    /// re-prices past usage. Every process applies it at its next configuration-version read.
    /// </summary>
    /// <param name="price">The price.</param>
    /// <param name="actor">Who makes the change, for the audit log; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The price stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="price"/> is <see langword="null"/>.</exception>
    Task<ModelPrice> SetModelPriceAsync(ModelPrice price, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets many prices in one transaction with one audit entry, as <see cref="SetModelPriceAsync"/> sets one: all or
    /// none (a price catalogue file, for example). Two prices of the same model and instant are refused.
    /// </summary>
    /// <param name="prices">The prices.</param>
    /// <param name="actor">Who makes the change, for the audit log; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many prices were new or changed.</returns>
    /// <exception cref="ArgumentException">Two prices share a model and instant, or one is <see langword="null"/>; nothing is written.</exception>
    Task<int> ImportModelPricesAsync(IReadOnlyCollection<ModelPrice> prices, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Removes the price of a model from an instant, with its audit entry.</summary>
    /// <param name="model">The model filter, as the price names it (ignoring case).</param>
    /// <param name="effectiveFrom">The instant the price takes effect.</param>
    /// <param name="actor">Who makes the change, for the audit log; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether there was such a price.</returns>
    Task<bool> RemoveModelPriceAsync(string model, DateTimeOffset effectiveFrom, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Says which cost limits of a profile meet no priced model (their model filter matches no price of the catalogue),
    /// so every call they apply to follows <see cref="TokenQuotaOptions.UnpricedModels"/>: a warning, not an error (the
    /// price may be set next). Creating or updating such a profile also logs the warning.
    /// </summary>
    /// <param name="profileId">The profile.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One message per such limit, naming it; empty when every cost limit meets a price.</returns>
    /// <exception cref="ConsumptionProfileNotFoundException">No profile has this id.</exception>
    Task<IReadOnlyList<string>> GetCostLimitWarningsAsync(long profileId, CancellationToken cancellationToken = default);

    /// <summary>Lists every organisation, by name, each with its team count.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<QuotaOrganisation>> ListOrganisationsAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets one organisation.</summary>
    /// <param name="organisationId">The organisation.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="QuotaSubjectNotFoundException">No organisation has the id.</exception>
    Task<QuotaOrganisation> GetOrganisationAsync(long organisationId, CancellationToken cancellationToken = default);

    /// <summary>Creates an organisation, audited.</summary>
    /// <param name="name">Its name (trimmed, 1–100 characters, unique among organisations ignoring case).</param>
    /// <param name="profileId">The profile whose limits its members share, or <see langword="null"/> for none.</param>
    /// <param name="actor">Who made the change, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <exception cref="ConsumptionProfileValidationException">The name is empty, too long or holds a control character.</exception>
    /// <exception cref="QuotaSubjectConflictException">Another organisation has the name.</exception>
    /// <exception cref="ConsumptionProfileNotFoundException">The profile does not exist.</exception>
    /// <exception cref="TeamOperationRefusedException">The profile is inactive.</exception>
    Task<QuotaOrganisation> CreateOrganisationAsync(string name, long? profileId = null, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Renames an organisation, audited.</summary>
    /// <param name="organisationId">The organisation.</param>
    /// <param name="name">The new name, as for <see cref="CreateOrganisationAsync"/>.</param>
    /// <param name="actor">Who made the change, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    Task<QuotaOrganisation> RenameOrganisationAsync(long organisationId, string name, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Gives an organisation a profile (or none), audited; its usage so far is kept and judged against the new limits at once.</summary>
    /// <param name="organisationId">The organisation.</param>
    /// <param name="profileId">The profile, or <see langword="null"/> for none.</param>
    /// <param name="actor">Who made the change, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    Task<QuotaOrganisation> SetOrganisationProfileAsync(long organisationId, long? profileId, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes an organisation, audited; refused while teams belong to it.</summary>
    /// <param name="organisationId">The organisation.</param>
    /// <param name="actor">Who made the change, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <exception cref="TeamOperationRefusedException">Teams still belong to it (<see cref="TeamRefusalReason.OrganisationHasTeams"/>).</exception>
    Task DeleteOrganisationAsync(long organisationId, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Lists every team, by name, each with its member count.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<QuotaTeam>> ListTeamsAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets one team.</summary>
    /// <param name="teamId">The team.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="QuotaSubjectNotFoundException">No team has the id.</exception>
    Task<QuotaTeam> GetTeamAsync(long teamId, CancellationToken cancellationToken = default);

    /// <summary>Creates a team, audited.</summary>
    /// <param name="name">Its name (trimmed, 1–100 characters, unique among teams ignoring case).</param>
    /// <param name="organisationId">The organisation it belongs to, or <see langword="null"/> for none.</param>
    /// <param name="profileId">The profile whose limits its members share, or <see langword="null"/> for none.</param>
    /// <param name="actor">Who made the change, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <exception cref="ConsumptionProfileValidationException">The name is empty, too long or holds a control character.</exception>
    /// <exception cref="QuotaSubjectConflictException">Another team has the name.</exception>
    /// <exception cref="QuotaSubjectNotFoundException">The organisation does not exist.</exception>
    Task<QuotaTeam> CreateTeamAsync(string name, long? organisationId = null, long? profileId = null, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Renames a team, audited.</summary>
    /// <param name="teamId">The team.</param>
    /// <param name="name">The new name, as for <see cref="CreateTeamAsync"/>.</param>
    /// <param name="actor">Who made the change, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    Task<QuotaTeam> RenameTeamAsync(long teamId, string name, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Gives a team a profile (or none), audited; its usage so far is kept and judged against the new limits at once.</summary>
    /// <param name="teamId">The team.</param>
    /// <param name="profileId">The profile, or <see langword="null"/> for none.</param>
    /// <param name="actor">Who made the change, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    Task<QuotaTeam> SetTeamProfileAsync(long teamId, long? profileId, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Moves a team into an organisation (or out of any), audited; from then on its members are judged against the new organisation.</summary>
    /// <param name="teamId">The team.</param>
    /// <param name="organisationId">The organisation, or <see langword="null"/> for none.</param>
    /// <param name="actor">Who made the change, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    Task<QuotaTeam> MoveTeamAsync(long teamId, long? organisationId, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a team, audited; refused while it has members.</summary>
    /// <param name="teamId">The team.</param>
    /// <param name="actor">Who made the change, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <exception cref="TeamOperationRefusedException">It still has members (<see cref="TeamRefusalReason.TeamHasMembers"/>).</exception>
    Task DeleteTeamAsync(long teamId, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Adds a user to a team, audited; refused when the user is in another team (move them instead).</summary>
    /// <param name="teamId">The team.</param>
    /// <param name="userId">The user.</param>
    /// <param name="actor">Who made the change, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <exception cref="TeamOperationRefusedException">The user is in another team (<see cref="TeamRefusalReason.UserInAnotherTeam"/>).</exception>
    Task AddTeamMemberAsync(long teamId, string userId, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a user to a team (from any other), or out of any team, audited. Usage the user made before stays charged
    /// where it was; from the move on, the user is judged against and charged to the new team.
    /// </summary>
    /// <param name="userId">The user.</param>
    /// <param name="teamId">The team, or <see langword="null"/> to leave the user's team.</param>
    /// <param name="actor">Who made the change, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    Task MoveUserToTeamAsync(string userId, long? teamId, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Removes a user from a team, audited.</summary>
    /// <param name="teamId">The team.</param>
    /// <param name="userId">The user.</param>
    /// <param name="actor">Who made the change, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <exception cref="TeamOperationRefusedException">The user is not a member (<see cref="TeamRefusalReason.NotAMember"/>).</exception>
    Task RemoveTeamMemberAsync(long teamId, string userId, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Lists a team's members by user id, one page at a time.</summary>
    /// <param name="teamId">The team.</param>
    /// <param name="offset">Rows to skip.</param>
    /// <param name="limit">Page size (1–1000).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<PagedResult<TeamMember>> ListTeamMembersAsync(long teamId, int offset = 0, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>Gets the team a user belongs to, or <see langword="null"/> if none.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<QuotaTeam?> GetUserTeamAsync(string userId, CancellationToken cancellationToken = default);
}
