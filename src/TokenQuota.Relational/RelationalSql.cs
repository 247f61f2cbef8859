namespace TokenQuota.Relational;

/// <summary>
/// The SQL text of the statements every SQL store runs alike (administration, audit, reports, assignments), each in its
/// store's dialect. A store supplies one instance; the shared code in this package runs the statements.
/// </summary>
internal abstract class RelationalSql
{
    public abstract string IncrementConfigVersion { get; }

    /// <summary>Gets the statement that serialises administrative changes, run first in their transaction, or <see langword="null"/> when the transaction itself does.</summary>
    public virtual string? LockAdmin => null;

    /// <summary>Gets the run-time rate-limit settings, each NULL until first stored.</summary>
    public abstract string SelectRateLimitSettings { get; }

    public abstract string UpsertRateLimitSettings { get; }

    public abstract string SelectProfiles { get; }

    public abstract string SelectProfile { get; }

    public abstract string InsertProfile { get; }

    public abstract string UpdateProfile { get; }

    /// <summary>Writes a profile's calendar and extra limits (<c>@id, @timeZone, @anchorDay, @weekStart, @limits</c>), kept beside the seed's columns.</summary>
    public abstract string UpsertProfileLimits { get; }

    /// <summary>Forgets a profile's calendar and extra limits (<c>@id</c>): it is back to the default calendar and its standard limits.</summary>
    public abstract string DeleteProfileLimits { get; }

    public abstract string DeleteProfile { get; }

    public abstract string ClearDefault { get; }

    public abstract string MoveAssignments { get; }

    public abstract string SelectAssignment { get; }

    public abstract string UpsertAssignment { get; }

    public abstract string DeleteAssignment { get; }

    public abstract string InsertAudit { get; }

    /// <summary>Gets the merge of a usage row carried over from another installation; no row changes when it adds nothing.</summary>
    public abstract string MergeUsage { get; }

    /// <summary>Gets the users with usage or rate-limit history and no explicit assignment.</summary>
    public abstract string SelectKnownUnassignedUsers { get; }

    public abstract string CountAssignments { get; }

    public abstract string SelectAssignmentsPage { get; }

    public abstract string CountAudit { get; }

    public abstract string SelectAuditPage { get; }

    public abstract string CountUsage { get; }

    /// <summary>Gets the usage page; {0} is replaced by a fixed ORDER BY chosen from <see cref="UsageOrderBy"/>.</summary>
    public abstract string SelectUsagePage { get; }

    public abstract string SelectUserHistory { get; }

    public abstract string SelectPeriodTotals { get; }

    /// <summary>The ORDER BY of a usage page in the given order.</summary>
    public abstract string UsageOrderBy(UsageSortOrder order);

    /// <summary>Gets every model price (<see cref="ModelPriceRow"/>).</summary>
    public string SelectModelPrices => $"SELECT model AS Model, effective_from AS EffectiveFrom, input_nano AS InputNano, cached_input_nano AS CachedInputNano, output_nano AS OutputNano, reasoning_nano AS ReasoningNano FROM {Table("tokenquota_model_prices")} ORDER BY model, effective_from;";

    /// <summary>Writes a model price, replacing the one of the same model and instant.</summary>
    public string UpsertModelPrice => $"""
        INSERT INTO {Table("tokenquota_model_prices")} (model, effective_from, input_nano, cached_input_nano, output_nano, reasoning_nano)
        VALUES (@model, @effectiveFrom, @inputNano, @cachedInputNano, @outputNano, @reasoningNano)
        ON CONFLICT (model, effective_from) DO UPDATE SET input_nano = excluded.input_nano, cached_input_nano = excluded.cached_input_nano,
            output_nano = excluded.output_nano, reasoning_nano = excluded.reasoning_nano;
        """;

    /// <summary>Removes the price of <c>@model</c> from <c>@effectiveFrom</c>.</summary>
    public string DeleteModelPrice => $"DELETE FROM {Table("tokenquota_model_prices")} WHERE model = @model AND effective_from = @effectiveFrom;";

    /// <summary>
    /// Adds one call to a user's usage of a model in a month (<c>@UserId, @Period, @Model, @Input, @CachedInput, @Output,
    /// @Reasoning, @Cost</c>); changes no row when the cost total would overflow 64 bits (its tokens are a part of the
    /// user's monthly totals, whose write checks them).
    /// </summary>
    public string UpsertModelUsage => $"""
        INSERT INTO {Table("tokenquota_model_usage")} AS u (user_id, period, model, calls, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, cost_nano)
        VALUES (@UserId, @Period, @Model, 1, @Input, @CachedInput, @Output, @Reasoning, @Cost)
        ON CONFLICT (user_id, period, model) DO UPDATE SET calls = u.calls + 1, input_tokens = u.input_tokens + excluded.input_tokens,
            cached_input_tokens = u.cached_input_tokens + excluded.cached_input_tokens, output_tokens = u.output_tokens + excluded.output_tokens,
            reasoning_tokens = u.reasoning_tokens + excluded.reasoning_tokens, cost_nano = u.cost_nano + excluded.cost_nano
        WHERE u.cost_nano <= 9223372036854775807 - excluded.cost_nano;
        """;

    /// <summary>Gets a user's cost of a model in a month so far (<c>@UserId, @Period, @Model</c>); no row when none.</summary>
    public string SelectModelCost => $"SELECT cost_nano FROM {Table("tokenquota_model_usage")} WHERE user_id = @UserId AND period = @Period AND model = @Model;";

    /// <summary>Gets a month's usage by user and model (<c>@period</c>), the costliest first.</summary>
    public string SelectModelUsage => ModelUsageQuery(string.Empty);

    /// <summary>Gets one user's usage by model in a month (<c>@period, @userId</c>), the costliest first.</summary>
    public string SelectUserModelUsage => ModelUsageQuery(" AND user_id = @userId");

    /// <summary>Gets a month's usage by model over every user (<c>@period</c>), the costliest first.</summary>
    public string SelectModelTotals => $"""
        SELECT NULL AS UserId, period AS Period, model AS Model, SUM(calls) AS Calls, SUM(input_tokens) AS InputTokens, SUM(cached_input_tokens) AS CachedInputTokens,
               SUM(output_tokens) AS OutputTokens, SUM(reasoning_tokens) AS ReasoningTokens, SUM(cost_nano) AS CostNano
        FROM {Table("tokenquota_model_usage")} WHERE period = @period GROUP BY period, model
        ORDER BY CostNano DESC, model;
        """;

    private string ModelUsageQuery(string filter) => $"""
        SELECT user_id AS UserId, period AS Period, model AS Model, calls AS Calls, input_tokens AS InputTokens, cached_input_tokens AS CachedInputTokens,
               output_tokens AS OutputTokens, reasoning_tokens AS ReasoningTokens, cost_nano AS CostNano
        FROM {Table("tokenquota_model_usage")} WHERE period = @period{filter}
        ORDER BY cost_nano DESC, user_id, model;
        """;

    /// <summary>Gets the statements of teams, organisations and memberships.</summary>
    public TeamSql Teams => teamSql ??= new TeamSql(Table);

    private TeamSql? teamSql;

    /// <summary>The name of a table as statements write it (a store with a schema qualifies it).</summary>
    protected virtual string Table(string name) => name;

    /// <summary>The statement that inserts <paramref name="profile"/> and returns its id.</summary>
    public virtual string InsertProfileFor(ConsumptionProfile profile) => InsertProfile;

    /// <summary>The parameters of <see cref="InsertProfile"/> and <see cref="UpdateProfile"/>.</summary>
    public virtual object ProfileParameters(ConsumptionProfile profile) => ProfileRow.From(profile);
}
