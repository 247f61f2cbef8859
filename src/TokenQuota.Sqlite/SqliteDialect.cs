using TokenQuota.Relational;

namespace TokenQuota.Sqlite;

/// <summary>The SQLite text of the statements every SQL store runs alike (<see cref="SqliteSql"/> holds them all).</summary>
internal sealed class SqliteDialect : RelationalSql
{
    public static SqliteDialect Instance { get; } = new();

    public override string IncrementConfigVersion => SqliteSql.IncrementConfigVersion;

    public override string SelectRateLimitSettings => SqliteSql.SelectRateLimitSettings;

    public override string UpsertRateLimitSettings => SqliteSql.UpsertRateLimitSettings;

    public override string SelectProfiles => SqliteSql.SelectProfiles;

    public override string SelectProfile => SqliteSql.SelectProfile;

    public override string InsertProfile => SqliteSql.InsertProfile;

    public override string UpdateProfile => SqliteSql.UpdateProfile;

    public override string UpsertProfileLimits => SqliteSql.UpsertProfileLimits;

    public override string DeleteProfileLimits => SqliteSql.DeleteProfileLimits;

    public override string DeleteProfile => SqliteSql.DeleteProfile;

    public override string ClearDefault => SqliteSql.ClearDefault;

    public override string MoveAssignments => SqliteSql.MoveAssignments;

    public override string SelectAssignment => SqliteSql.SelectAssignment;

    public override string UpsertAssignment => SqliteSql.UpsertAssignment;

    public override string DeleteAssignment => SqliteSql.DeleteAssignment;

    public override string InsertAudit => SqliteSql.InsertAudit;

    public override string MergeUsage => SqliteSql.MergeUsage;

    public override string SelectKnownUnassignedUsers => SqliteSql.SelectKnownUnassignedUsers;

    public override string CountAssignments => SqliteSql.CountAssignments;

    public override string SelectAssignmentsPage => SqliteSql.SelectAssignmentsPage;

    public override string CountAudit => SqliteSql.CountAudit;

    public override string SelectAuditPage => SqliteSql.SelectAuditPage;

    public override string CountUsage => SqliteSql.CountUsage;

    public override string SelectUsagePage => SqliteSql.SelectUsagePage;

    public override string SelectUserHistory => SqliteSql.SelectUserHistory;

    public override string SelectPeriodTotals => SqliteSql.SelectPeriodTotals;

    public override string UsageOrderBy(UsageSortOrder order) => SqliteSql.UsageOrderBy(order);
}
