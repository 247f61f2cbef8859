namespace TokenQuota;

/// <summary>Read-only reports over stored token usage.</summary>
public interface IUsageReports
{
    /// <summary>Lists each user's usage in one period, sorted and paged.</summary>
    /// <param name="period">The period.</param>
    /// <param name="sortOrder">The sort order.</param>
    /// <param name="offset">Rows to skip (≥ 0).</param>
    /// <param name="limit">Page size, 1 to <see cref="Paging.MaxLimit"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One page of usage rows and the total count.</returns>
    Task<PagedResult<UserUsage>> GetUsageAsync(QuotaPeriod period, UsageSortOrder sortOrder = UsageSortOrder.TotalTokens, int offset = 0, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>Adds up every period's usage, newest period first.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The totals of each period that has usage.</returns>
    Task<IReadOnlyList<PeriodUsageTotals>> GetPeriodTotalsAsync(CancellationToken cancellationToken = default);

    /// <summary>Lists one user's usage in every period, newest first.</summary>
    /// <param name="userId">The user id, 1–128 characters.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The user's usage rows.</returns>
    Task<IReadOnlyList<UserUsage>> GetUserHistoryAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists a month's usage by user and model, with its cost: who spent what on which model, the costliest first. Only
    /// calls that named their model are counted.
    /// </summary>
    /// <param name="period">The month.</param>
    /// <param name="userId">One user, or <see langword="null"/> for every user.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One row per user and model.</returns>
    Task<IReadOnlyList<ModelUsage>> GetModelUsageAsync(QuotaPeriod period, string? userId = null, CancellationToken cancellationToken = default);

    /// <summary>Adds up a month's usage per model over every user, the costliest first (<see cref="ModelUsage.UserId"/> is <see langword="null"/>).</summary>
    /// <param name="period">The month.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One row per model.</returns>
    Task<IReadOnlyList<ModelUsage>> GetModelTotalsAsync(QuotaPeriod period, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reports every team (or every organisation): its usage this month, charged while users were its members (a user
    /// who moves takes no past usage along), and where each limit of its profile stands.
    /// </summary>
    /// <param name="level"><see cref="QuotaSubjectLevel.Team"/> or <see cref="QuotaSubjectLevel.Organisation"/>.</param>
    /// <param name="cancellationToken">Cancels the report.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is <see cref="QuotaSubjectLevel.User"/> or unknown.</exception>
    Task<IReadOnlyList<SubjectUsage>> GetSubjectUsageAsync(QuotaSubjectLevel level, CancellationToken cancellationToken = default);
}
