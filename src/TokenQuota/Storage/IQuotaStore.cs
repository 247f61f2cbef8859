namespace TokenQuota.Storage;

/// <summary>
/// The contract every store implements (SQLite, PostgreSQL, …). It is coarse-grained: each method is one atomic step,
/// so a store can make it one statement or one transaction in its own dialect. The rules (profile resolution, limits,
/// messages, validation) live in the core, never in a store.
/// </summary>
/// <remarks>
/// Stores throw their own exceptions on failure; the core turns them into <see cref="TokenQuotaStoreException"/> or,
/// under <see cref="FailureMode.FailOpen"/>, an allowed call that is logged and counted.
/// </remarks>
public interface IQuotaStore
{
    /// <summary>
    /// Gets a short, stable, lower-case name of the store (<c>sqlite</c>, <c>postgresql</c>): the <c>tokenquota.store</c>
    /// attribute of TokenQuota's spans and metrics.
    /// </summary>
    string StoreName { get; }

    /// <summary>
    /// Reads the schema version of the database and the version this store migrates to, <b>without</b> migrating: the
    /// health check's probe, so it is one cheap read that also proves the database answers.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Both versions; the database's is 0 when it has no TokenQuota schema yet.</returns>
    Task<QuotaSchemaVersion> GetSchemaVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates or upgrades the schema. Idempotent, safe when several processes call it at once, and refuses a database
    /// migrated by a newer version with a <see cref="TokenQuotaStoreException"/>. Stores also run it on first use.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the configuration version: a number the store increments in every administrative change (profiles,
    /// assignments and rate-limit settings), by any process. The core caches profile resolution until it changes.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The current version.</returns>
    ValueTask<long> GetConfigurationVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the stored run-time rate-limit settings (<see cref="IQuotaAdminSession.SetRateLimitSettingsAsync"/> writes
    /// them). The core reads them with the profiles, once per configuration version, never per prompt. The default
    /// implementation is for a store that keeps no settings: nothing is stored, so the start-up options apply.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored values; each is <see langword="null"/> until first stored.</returns>
    Task<StoredRateLimitSettings> GetRateLimitSettingsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(default(StoredRateLimitSettings));

    /// <summary>Reads every profile, each with its count of explicitly assigned users.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profiles, in no particular order.</returns>
    Task<IReadOnlyList<ConsumptionProfile>> GetProfilesAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads the price catalogue: every model price, past and future; a store that keeps none returns none.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<ModelPrice>> GetModelPricesAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ModelPrice>>([]);

    /// <summary>Reads every team, each with its member count; a store that keeps no teams returns none.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<QuotaTeam>> GetTeamsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<QuotaTeam>>([]);

    /// <summary>Reads every organisation, each with its team count; a store that keeps none returns none.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<QuotaOrganisation>> GetOrganisationsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<QuotaOrganisation>>([]);

    /// <summary>Reads the team a user belongs to, or <see langword="null"/> if none.</summary>
    /// <param name="userId">The user id (already validated).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    ValueTask<long?> GetTeamIdAsync(string userId, CancellationToken cancellationToken = default) => ValueTask.FromResult<long?>(null);

    /// <summary>Lists the members of a team, ordered by user id, one page at a time.</summary>
    /// <param name="teamId">The team.</param>
    /// <param name="offset">Rows to skip (validated).</param>
    /// <param name="limit">Page size (validated).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<PagedResult<TeamMember>> ListTeamMembersAsync(long teamId, int offset, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult(new PagedResult<TeamMember>([], 0, offset, limit));

    /// <summary>Reads the id of the profile explicitly assigned to a user, or <see langword="null"/> if none.</summary>
    /// <param name="userId">The user id (already validated).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The assigned profile id, which may dangle or name an inactive profile.</returns>
    ValueTask<long?> GetAssignedProfileIdAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads a user's usage in one period, with the estimates its live reservations hold (those whose TTL has not
    /// passed by the store's clock); zero when the user has none. Writes nothing.
    /// </summary>
    /// <param name="userId">The user id (already validated).</param>
    /// <param name="period">The period.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The usage totals.</returns>
    ValueTask<TokenUsageTotals> GetUsageAsync(string userId, QuotaPeriod period, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically adds usage to a user's period totals in one statement (insert-or-add), creating the row if needed.
    /// </summary>
    /// <param name="userId">The user id (already validated).</param>
    /// <param name="period">The period.</param>
    /// <param name="inputTokens">Input tokens to add (validated, ≥ 0).</param>
    /// <param name="outputTokens">Output tokens to add (validated, ≥ 0).</param>
    /// <param name="now">The time of the usage, for <c>first_usage_at</c>/<c>last_usage_at</c>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>
    /// <see langword="true"/> once the addition is written; <see langword="false"/> if it would overflow a stored total,
    /// in which case nothing was written. (No totals are returned: reading them back would make every record cost more,
    /// and the recording path never needs them.)
    /// </returns>
    ValueTask<bool> AddUsageAsync(string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds usage as <see cref="AddUsageAsync(string, QuotaPeriod, long, long, DateTimeOffset, CancellationToken)"/> does
    /// and, in the same transaction, applies <paramref name="counters"/> to the user's extra-limit counters: both are
    /// written or neither is. Concurrent updates of one user's counters are serialised.
    /// </summary>
    /// <param name="userId">The user id (already validated).</param>
    /// <param name="period">The period.</param>
    /// <param name="inputTokens">Input tokens to add (validated, ≥ 0).</param>
    /// <param name="outputTokens">Output tokens to add (validated, ≥ 0).</param>
    /// <param name="now">The time of the usage.</param>
    /// <param name="counters">The counters to read and the rule that gives the rows to write.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> once written; <see langword="false"/> if the usage would overflow a stored total, in which case nothing was written.</returns>
    ValueTask<bool> AddUsageAndCountersAsync(string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset now, LimitCounterUpdate counters, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the extra-limit counters a user has among <paramref name="keys"/> and the hold texts of the user's live
    /// reservations (held, not expired by the store's clock) that meet extra limits. Writes nothing.
    /// </summary>
    /// <param name="userId">The user id (already validated).</param>
    /// <param name="keys">The counter keys.</param>
    /// <param name="sharedKeys">The counters of the user's team and organisation to read too; the live holds of their subjects are read with the user's.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The counters and the live holds.</returns>
    ValueTask<StoredLimitState> GetLimitStateAsync(string userId, IReadOnlyList<string> keys, IReadOnlyList<SharedCounterKey> sharedKeys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Judges and charges every rate window of one request atomically: each window is charged one unit if and only if,
    /// for every window, its current count plus one is at most its limit. A window whose stored start differs from the
    /// requested start counts as zero (a new window has begun). Refused requests change nothing.
    /// A prompt carries <see cref="RateLimitWindow.PromptsPerHour"/> and <see cref="RateLimitWindow.PromptsPerDay"/>
    /// together; a configuration change carries <see cref="RateLimitWindow.ConfigChangesPerHour"/>. The store keeps one
    /// counter per user and <see cref="RateWindowCharge.Window"/>, whichever set of windows a request carries.
    /// The store also reads its configuration version in the same transaction and reports it
    /// (<see cref="RateWindowChargeResult.ConfigurationVersion"/>), and refuses, writing nothing, a request whose windows
    /// carry another <see cref="RateWindowCharge.ConfigurationVersion"/>.
    /// </summary>
    /// <param name="userId">The user id (already validated).</param>
    /// <param name="windows">The windows to judge, in the order the core judges them.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the request was charged, and each window's count after the operation.</returns>
    ValueTask<RateWindowChargeResult> TryChargeRateWindowsAsync(string userId, IReadOnlyList<RateWindowCharge> windows, CancellationToken cancellationToken = default);

    /// <summary>
    /// Judges and charges a request's rate windows as <see cref="TryChargeRateWindowsAsync"/> does and, in the same
    /// transaction, the extra-limit counters of <paramref name="counters"/>: once the windows admit the request, the store
    /// reads the counters and asks <see cref="LimitCounterUpdate.Apply"/>; if it refuses (returns <see langword="null"/>)
    /// nothing at all is written and the result says not charged; otherwise the windows and the counters are written
    /// together.
    /// </summary>
    /// <param name="userId">The user id (already validated).</param>
    /// <param name="windows">The windows to judge, in the order the core judges them.</param>
    /// <param name="counters">The extra-limit counters to judge and charge.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the request was charged, and each window's count after the operation.</returns>
    ValueTask<RateWindowChargeResult> TryChargeRateWindowsAndCountersAsync(string userId, IReadOnlyList<RateWindowCharge> windows, LimitCounterUpdate counters, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs one administrative change in a single write transaction: the work reads and writes through the session,
    /// and writes its audit entry there too. If the work wrote anything, the store increments the configuration version in
    /// the same transaction; it commits if the work completes, and rolls everything back if it throws.
    /// </summary>
    /// <typeparam name="T">What the change returns.</typeparam>
    /// <param name="change">The change, which applies the rules and calls the session.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What <paramref name="change"/> returned.</returns>
    Task<T> ExecuteAdminChangeAsync<T>(Func<IQuotaAdminSession, CancellationToken, Task<T>> change, CancellationToken cancellationToken = default);

    /// <summary>Reads audit entries matching <paramref name="query"/>, newest first, one page at a time.</summary>
    /// <param name="query">The filter and page (already validated).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One page of entries and the total count of matches.</returns>
    Task<PagedResult<QuotaAuditEntry>> QueryAuditLogAsync(QuotaAuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>Lists the users explicitly assigned to a profile, by user id, one page at a time.</summary>
    /// <param name="profileId">The profile id.</param>
    /// <param name="offset">Rows to skip (validated).</param>
    /// <param name="limit">Page size (validated).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One page of assignments and the total count.</returns>
    Task<PagedResult<UserAssignment>> ListAssignmentsAsync(long profileId, int offset, int limit, CancellationToken cancellationToken = default);

    /// <summary>Lists each user's usage in one period, sorted and paged.</summary>
    /// <param name="period">The period.</param>
    /// <param name="sortOrder">The sort order.</param>
    /// <param name="offset">Rows to skip (validated).</param>
    /// <param name="limit">Page size (validated).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One page of usage rows and the total count.</returns>
    Task<PagedResult<UserUsage>> GetUsageReportAsync(QuotaPeriod period, UsageSortOrder sortOrder, int offset, int limit, CancellationToken cancellationToken = default);

    /// <summary>Adds up each period's usage, newest period first.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The totals of every period with usage.</returns>
    Task<IReadOnlyList<PeriodUsageTotals>> GetPeriodTotalsAsync(CancellationToken cancellationToken = default);

    /// <summary>Lists one user's usage in every period, newest first.</summary>
    /// <param name="userId">The user id (already validated).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The user's usage rows.</returns>
    Task<IReadOnlyList<UserUsage>> GetUserUsageHistoryAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads a month's usage by model: one row per user and model (only <paramref name="userId"/>'s when given), or, when
    /// <paramref name="totals"/>, one row per model over every user; the costliest first. A store that keeps no usage by
    /// model returns none.
    /// </summary>
    /// <param name="period">The month.</param>
    /// <param name="userId">One user, or <see langword="null"/> for every user.</param>
    /// <param name="totals">Whether to add up every user's usage per model (<paramref name="userId"/> is then ignored).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<ModelUsage>> GetModelUsageAsync(QuotaPeriod period, string? userId, bool totals, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ModelUsage>>([]);

    /// <summary>
    /// Reserves an estimate in one atomic step: first stops counting the user's expired reservations (lazy TTL), then
    /// reads the user's usage plus live reservations in the period, asks <paramref name="admit"/> (the core's rule),
    /// and holds the reservation only if it returns <see langword="true"/>. Concurrent reservations, in one process or
    /// several, are serialised so each judges the others' holds.
    /// </summary>
    /// <param name="reservation">The reservation to hold.</param>
    /// <param name="admit">The admission rule, called once with the totals inside the atomic step.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether it was held, and the totals that were judged.</returns>
    /// <exception cref="DuplicateRequestIdException">The request id is already in use (held or committed); nothing is written.</exception>
    ValueTask<ReservationAttempt> TryReserveAsync(NewReservation reservation, Func<TokenUsageTotals, bool> admit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reserves as <see cref="TryReserveAsync"/> does and, in the same atomic step, judges the extra limits of
    /// <paramref name="limits"/>: once <paramref name="admit"/> accepts the totals, the store reads the user's counters
    /// and the hold texts of the user's live reservations, asks <see cref="ReservationLimitCheck.Admit"/>, and holds the
    /// reservation (with its <see cref="ReservationLimitCheck.Holds"/>) only if it also returns <see langword="true"/>.
    /// A committed, released or expired reservation's holds stop counting with it.
    /// </summary>
    /// <param name="reservation">The reservation to hold.</param>
    /// <param name="admit">The admission rule of the standard limits, called once with the totals.</param>
    /// <param name="limits">The extra limits, judged only if <paramref name="admit"/> accepted.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether it was held, and the totals that were judged.</returns>
    /// <exception cref="DuplicateRequestIdException">The request id is already in use (held or committed); nothing is written.</exception>
    ValueTask<ReservationAttempt> TryReserveWithLimitsAsync(NewReservation reservation, Func<TokenUsageTotals, bool> admit, ReservationLimitCheck limits, CancellationToken cancellationToken = default);

    /// <summary>
    /// Commits a reservation atomically and idempotently by request id: the held estimate is dropped and the actual
    /// usage added to the reservation's period. A request id already committed counts nothing again. A reservation
    /// that expired or is unknown still records the actual usage (it happened) and is remembered as committed.
    /// </summary>
    /// <param name="requestId">The reservation's request id.</param>
    /// <param name="userId">The user, used when the reservation is no longer stored.</param>
    /// <param name="period">The reservation's period, used when it is no longer stored.</param>
    /// <param name="inputTokens">The actual input tokens (validated).</param>
    /// <param name="outputTokens">The actual output tokens (validated).</param>
    /// <param name="now">The time of the commit.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What was done.</returns>
    ValueTask<ReservationCommitOutcome> CommitReservationAsync(string requestId, string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Commits a reservation as <see cref="CommitReservationAsync"/> does and, when the commit adds usage (it is not a
    /// repeat), applies <paramref name="counters"/> to the user's extra-limit counters in the same transaction.
    /// </summary>
    /// <param name="requestId">The reservation's request id.</param>
    /// <param name="userId">The user, used when the reservation is no longer stored.</param>
    /// <param name="period">The reservation's period, used when it is no longer stored.</param>
    /// <param name="inputTokens">The actual input tokens (validated).</param>
    /// <param name="outputTokens">The actual output tokens (validated).</param>
    /// <param name="now">The time of the commit.</param>
    /// <param name="counters">The counters to charge with the actual usage (the update never refuses here).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What was done.</returns>
    ValueTask<ReservationCommitOutcome> CommitReservationWithCountersAsync(string requestId, string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset now, LimitCounterUpdate counters, CancellationToken cancellationToken = default);

    /// <summary>Releases a held reservation: its estimate stops counting at once. Committed reservations are untouched.</summary>
    /// <param name="requestId">The reservation's request id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> if a held reservation was released.</returns>
    ValueTask<bool> ReleaseReservationAsync(string requestId, CancellationToken cancellationToken = default);
}
