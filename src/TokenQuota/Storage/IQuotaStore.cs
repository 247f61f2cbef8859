namespace TokenQuota;

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
    /// Creates or upgrades the schema. Idempotent, safe when several processes call it at once, and refuses a database
    /// migrated by a newer version with a <see cref="TokenQuotaStoreException"/>. Stores also run it on first use.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the configuration version: a number the store increments in every administrative change (profiles and
    /// assignments), by any process. The core caches profile resolution until it changes.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The current version.</returns>
    ValueTask<long> GetConfigurationVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads every profile, each with its count of explicitly assigned users.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profiles, in no particular order.</returns>
    Task<IReadOnlyList<ConsumptionProfile>> GetProfilesAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads the id of the profile explicitly assigned to a user, or <see langword="null"/> if none.</summary>
    /// <param name="userId">The user id (already validated).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The assigned profile id, which may dangle or name an inactive profile.</returns>
    ValueTask<long?> GetAssignedProfileIdAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Reads a user's usage in one period; zero when the user has none. Writes nothing.</summary>
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
    /// <returns>The totals after the addition, or <see langword="null"/> if the addition would overflow a stored total, in which case nothing was written.</returns>
    ValueTask<TokenUsageTotals?> AddUsageAsync(string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Judges and charges every rate window of one request atomically: each window is charged one unit if and only if,
    /// for every window, its current count plus one is at most its limit. A window whose stored start differs from the
    /// requested start counts as zero (a new window has begun). Refused requests change nothing.
    /// </summary>
    /// <param name="userId">The user id (already validated).</param>
    /// <param name="windows">The windows to judge, in the order the core judges them.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the request was charged, and each window's count after the operation.</returns>
    ValueTask<RateWindowChargeResult> TryChargeRateWindowsAsync(string userId, IReadOnlyList<RateWindowCharge> windows, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs one administrative change in a single write transaction: the work reads and writes through the session,
    /// and writes its audit entry there too. The store increments the configuration version, then commits if the work
    /// completes, and rolls everything back if it throws.
    /// </summary>
    /// <typeparam name="T">What the change returns.</typeparam>
    /// <param name="change">The change, which applies the rules and calls the session.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What <paramref name="change"/> returned.</returns>
    Task<T> ExecuteAdminChangeAsync<T>(Func<IQuotaAdminSession, CancellationToken, Task<T>> change, CancellationToken cancellationToken = default);
}
