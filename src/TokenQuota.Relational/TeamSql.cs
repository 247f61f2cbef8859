namespace TokenQuota.Relational;

/// <summary>The statements of teams, organisations and memberships, alike in every SQL store but for table names.</summary>
internal sealed class TeamSql(Func<string, string> table)
{
    private readonly string teams = table("tokenquota_teams");
    private readonly string organisations = table("tokenquota_organisations");
    private readonly string members = table("tokenquota_team_members");

    public string SelectTeams => $"""
        SELECT t.id AS Id, t.name AS Name, t.organisation_id AS OrganisationId, t.profile_id AS ProfileId,
               (SELECT COUNT(*) FROM {members} AS m WHERE m.team_id = t.id) AS MemberCount, t.created_at AS CreatedAt, t.updated_at AS UpdatedAt
        FROM {teams} AS t ORDER BY t.name, t.id;
        """;

    public string InsertTeam => $"INSERT INTO {teams} (name, organisation_id, profile_id, created_at, updated_at) VALUES (@name, @organisationId, @profileId, @createdAt, @updatedAt) RETURNING id;";

    public string UpdateTeam => $"UPDATE {teams} SET name = @name, organisation_id = @organisationId, profile_id = @profileId, updated_at = @updatedAt WHERE id = @id;";

    public string DeleteTeam => $"DELETE FROM {teams} WHERE id = @id;";

    public string SelectOrganisations => $"""
        SELECT o.id AS Id, o.name AS Name, o.profile_id AS ProfileId,
               (SELECT COUNT(*) FROM {teams} AS t WHERE t.organisation_id = o.id) AS TeamCount, o.created_at AS CreatedAt, o.updated_at AS UpdatedAt
        FROM {organisations} AS o ORDER BY o.name, o.id;
        """;

    public string InsertOrganisation => $"INSERT INTO {organisations} (name, profile_id, created_at, updated_at) VALUES (@name, @profileId, @createdAt, @updatedAt) RETURNING id;";

    public string UpdateOrganisation => $"UPDATE {organisations} SET name = @name, profile_id = @profileId, updated_at = @updatedAt WHERE id = @id;";

    public string DeleteOrganisation => $"DELETE FROM {organisations} WHERE id = @id;";

    public string SelectTeamOf => $"SELECT team_id FROM {members} WHERE user_id = @userId;";

    public string UpsertTeamMember => $"""
        INSERT INTO {members} (user_id, team_id, joined_at) VALUES (@userId, @teamId, @now)
        ON CONFLICT (user_id) DO UPDATE SET team_id = excluded.team_id, joined_at = excluded.joined_at;
        """;

    public string DeleteTeamMember => $"DELETE FROM {members} WHERE user_id = @userId;";

    public string CountTeamMembers => $"SELECT COUNT(*) FROM {members} WHERE team_id = @teamId;";

    public string SelectTeamMembersPage => $"SELECT user_id AS UserId, team_id AS TeamId, joined_at AS JoinedAt FROM {members} WHERE team_id = @teamId ORDER BY user_id LIMIT @limit OFFSET @offset;";

    public string MoveTeamProfiles => $"UPDATE {teams} SET profile_id = @to WHERE profile_id = @from;";

    public string MoveOrganisationProfiles => $"UPDATE {organisations} SET profile_id = @to WHERE profile_id = @from;";
}
