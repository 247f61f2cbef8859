using System.Globalization;
using System.Text.Json;
using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>Teams, organisations and memberships: each change one transaction with its audit entry.</summary>
internal sealed partial class ConsumptionProfileManager
{
    public Task<IReadOnlyList<QuotaOrganisation>> ListOrganisationsAsync(CancellationToken cancellationToken = default) =>
        Guard("list organisations", () => store.GetOrganisationsAsync(cancellationToken));

    public async Task<QuotaOrganisation> GetOrganisationAsync(long organisationId, CancellationToken cancellationToken = default) =>
        (await ListOrganisationsAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(o => o.Id == organisationId)
            ?? throw new QuotaSubjectNotFoundException(QuotaSubjectLevel.Organisation, organisationId);

    public Task<QuotaOrganisation> CreateOrganisationAsync(string name, long? profileId = null, string? actor = null, CancellationToken cancellationToken = default)
    {
        var trimmed = SubjectNames.Validate(name, QuotaSubjectLevel.Organisation);
        return Change("create organisation", async (session, ct) =>
        {
            var all = await session.GetOrganisationsAsync(ct).ConfigureAwait(false);
            EnsureFree(all.Select(o => (o.Id, o.Name)), trimmed, null, QuotaSubjectLevel.Organisation);
            await RequireSubjectProfileAsync(session, profileId, ct).ConfigureAwait(false);
            var created = new QuotaOrganisation { Name = trimmed, ProfileId = profileId, CreatedAt = session.Now, UpdatedAt = session.Now };
            created = created with { Id = await session.InsertOrganisationAsync(created, ct).ConfigureAwait(false) };
            await Audit(session, actor, QuotaAuditActions.OrganisationCreated, OrganisationTarget(created.Id), null, JsonSerializer.Serialize(created), ct).ConfigureAwait(false);
            return created;
        }, cancellationToken);
    }

    public Task<QuotaOrganisation> RenameOrganisationAsync(long organisationId, string name, string? actor = null, CancellationToken cancellationToken = default)
    {
        var trimmed = SubjectNames.Validate(name, QuotaSubjectLevel.Organisation);
        return ChangeOrganisation(organisationId, QuotaAuditActions.OrganisationRenamed, actor, async (session, all, current, ct) =>
        {
            EnsureFree(all.Select(o => (o.Id, o.Name)), trimmed, organisationId, QuotaSubjectLevel.Organisation);
            await Task.CompletedTask.ConfigureAwait(false);
            return current with { Name = trimmed };
        }, cancellationToken);
    }

    public Task<QuotaOrganisation> SetOrganisationProfileAsync(long organisationId, long? profileId, string? actor = null, CancellationToken cancellationToken = default) =>
        ChangeOrganisation(organisationId, QuotaAuditActions.OrganisationProfileSet, actor, async (session, _, current, ct) =>
        {
            await RequireSubjectProfileAsync(session, profileId, ct).ConfigureAwait(false);
            return current with { ProfileId = profileId };
        }, cancellationToken);

    public Task DeleteOrganisationAsync(long organisationId, string? actor = null, CancellationToken cancellationToken = default) =>
        Change("delete organisation", async (session, ct) =>
        {
            var current = (await session.GetOrganisationsAsync(ct).ConfigureAwait(false)).FirstOrDefault(o => o.Id == organisationId)
                ?? throw new QuotaSubjectNotFoundException(QuotaSubjectLevel.Organisation, organisationId);
            if (current.TeamCount > 0)
            {
                throw new TeamOperationRefusedException(
                    TeamRefusalReason.OrganisationHasTeams,
                    $"Cannot delete organisation \"{current.Name}\": {current.TeamCount} team(s) belong to it. Move or delete them first.");
            }

            await session.DeleteOrganisationAsync(organisationId, ct).ConfigureAwait(false);
            await Audit(session, actor, QuotaAuditActions.OrganisationDeleted, OrganisationTarget(organisationId), JsonSerializer.Serialize(current), null, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<QuotaTeam>> ListTeamsAsync(CancellationToken cancellationToken = default) =>
        Guard("list teams", () => store.GetTeamsAsync(cancellationToken));

    public async Task<QuotaTeam> GetTeamAsync(long teamId, CancellationToken cancellationToken = default) =>
        (await ListTeamsAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(t => t.Id == teamId)
            ?? throw new QuotaSubjectNotFoundException(QuotaSubjectLevel.Team, teamId);

    public Task<QuotaTeam> CreateTeamAsync(string name, long? organisationId = null, long? profileId = null, string? actor = null, CancellationToken cancellationToken = default)
    {
        var trimmed = SubjectNames.Validate(name, QuotaSubjectLevel.Team);
        return Change("create team", async (session, ct) =>
        {
            var all = await session.GetTeamsAsync(ct).ConfigureAwait(false);
            EnsureFree(all.Select(t => (t.Id, t.Name)), trimmed, null, QuotaSubjectLevel.Team);
            await RequireOrganisationAsync(session, organisationId, ct).ConfigureAwait(false);
            await RequireSubjectProfileAsync(session, profileId, ct).ConfigureAwait(false);
            var created = new QuotaTeam { Name = trimmed, OrganisationId = organisationId, ProfileId = profileId, CreatedAt = session.Now, UpdatedAt = session.Now };
            created = created with { Id = await session.InsertTeamAsync(created, ct).ConfigureAwait(false) };
            await Audit(session, actor, QuotaAuditActions.TeamCreated, TeamTarget(created.Id), null, JsonSerializer.Serialize(created), ct).ConfigureAwait(false);
            return created;
        }, cancellationToken);
    }

    public Task<QuotaTeam> RenameTeamAsync(long teamId, string name, string? actor = null, CancellationToken cancellationToken = default)
    {
        var trimmed = SubjectNames.Validate(name, QuotaSubjectLevel.Team);
        return ChangeTeam(teamId, QuotaAuditActions.TeamRenamed, actor, async (_, all, current, _) =>
        {
            EnsureFree(all.Select(t => (t.Id, t.Name)), trimmed, teamId, QuotaSubjectLevel.Team);
            await Task.CompletedTask.ConfigureAwait(false);
            return current with { Name = trimmed };
        }, cancellationToken);
    }

    public Task<QuotaTeam> SetTeamProfileAsync(long teamId, long? profileId, string? actor = null, CancellationToken cancellationToken = default) =>
        ChangeTeam(teamId, QuotaAuditActions.TeamProfileSet, actor, async (session, _, current, ct) =>
        {
            await RequireSubjectProfileAsync(session, profileId, ct).ConfigureAwait(false);
            return current with { ProfileId = profileId };
        }, cancellationToken);

    public Task<QuotaTeam> MoveTeamAsync(long teamId, long? organisationId, string? actor = null, CancellationToken cancellationToken = default) =>
        ChangeTeam(teamId, QuotaAuditActions.TeamMoved, actor, async (session, _, current, ct) =>
        {
            await RequireOrganisationAsync(session, organisationId, ct).ConfigureAwait(false);
            return current with { OrganisationId = organisationId };
        }, cancellationToken);

    public Task DeleteTeamAsync(long teamId, string? actor = null, CancellationToken cancellationToken = default) =>
        Change("delete team", async (session, ct) =>
        {
            var current = (await session.GetTeamsAsync(ct).ConfigureAwait(false)).FirstOrDefault(t => t.Id == teamId)
                ?? throw new QuotaSubjectNotFoundException(QuotaSubjectLevel.Team, teamId);
            if (current.MemberCount > 0)
            {
                throw new TeamOperationRefusedException(
                    TeamRefusalReason.TeamHasMembers,
                    $"Cannot delete team \"{current.Name}\": {current.MemberCount} user(s) are members. Move or remove them first.");
            }

            await session.DeleteTeamAsync(teamId, ct).ConfigureAwait(false);
            await Audit(session, actor, QuotaAuditActions.TeamDeleted, TeamTarget(teamId), JsonSerializer.Serialize(current), null, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task AddTeamMemberAsync(long teamId, string userId, string? actor = null, CancellationToken cancellationToken = default) =>
        SetMembershipAsync(userId, teamId, moving: false, actor, cancellationToken);

    public Task MoveUserToTeamAsync(string userId, long? teamId, string? actor = null, CancellationToken cancellationToken = default) =>
        SetMembershipAsync(userId, teamId, moving: true, actor, cancellationToken);

    public async Task RemoveTeamMemberAsync(long teamId, string userId, string? actor = null, CancellationToken cancellationToken = default)
    {
        UserIds.Validate(userId);
        await Change("remove team member", async (session, ct) =>
        {
            var team = await RequireTeamAsync(session, teamId, ct).ConfigureAwait(false);
            if (await session.GetTeamOfAsync(userId, ct).ConfigureAwait(false) != teamId)
            {
                throw new TeamOperationRefusedException(TeamRefusalReason.NotAMember, $"User \"{userId}\" is not a member of team \"{team.Name}\".");
            }

            await session.SetTeamOfAsync(userId, null, ct).ConfigureAwait(false);
            await Audit(session, actor, QuotaAuditActions.TeamMemberRemoved, "user:" + userId, MembershipJson(teamId), MembershipJson(null), ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<PagedResult<TeamMember>> ListTeamMembersAsync(long teamId, int offset = 0, int limit = 100, CancellationToken cancellationToken = default)
    {
        Paging.Validate(offset, limit);
        _ = await GetTeamAsync(teamId, cancellationToken).ConfigureAwait(false);
        return await Guard("list team members", () => store.ListTeamMembersAsync(teamId, offset, limit, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<QuotaTeam?> GetUserTeamAsync(string userId, CancellationToken cancellationToken = default)
    {
        UserIds.Validate(userId);
        var teamId = await Guard("get user team", async () => await store.GetTeamIdAsync(userId, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        return teamId is { } id ? (await ListTeamsAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(t => t.Id == id) : null;
    }

    private async Task SetMembershipAsync(string userId, long? teamId, bool moving, string? actor, CancellationToken cancellationToken)
    {
        UserIds.Validate(userId);
        if (directory is not null && teamId is not null && !await directory.ExistsAsync(userId, cancellationToken).ConfigureAwait(false))
        {
            throw new UnknownUserException(userId);
        }

        await Change(moving ? "move user to team" : "add team member", async (session, ct) =>
        {
            var team = teamId is { } id ? await RequireTeamAsync(session, id, ct).ConfigureAwait(false) : null;
            var before = await session.GetTeamOfAsync(userId, ct).ConfigureAwait(false);
            if (before == teamId)
            {
                return false;
            }

            if (!moving && before is { } other)
            {
                var otherName = (await session.GetTeamsAsync(ct).ConfigureAwait(false)).FirstOrDefault(t => t.Id == other)?.Name ?? other.ToString(CultureInfo.InvariantCulture);
                throw new TeamOperationRefusedException(
                    TeamRefusalReason.UserInAnotherTeam,
                    $"User \"{userId}\" is already a member of team \"{otherName}\"; a user is in at most one team. Move the user instead.");
            }

            await session.SetTeamOfAsync(userId, teamId, ct).ConfigureAwait(false);
            var action = team is null ? QuotaAuditActions.TeamMemberRemoved : before is null ? QuotaAuditActions.TeamMemberAdded : QuotaAuditActions.TeamMemberMoved;
            await Audit(session, actor, action, "user:" + userId, MembershipJson(before), MembershipJson(teamId), ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    private Task<QuotaTeam> ChangeTeam(long teamId, string action, string? actor, Func<IQuotaAdminSession, IReadOnlyList<QuotaTeam>, QuotaTeam, CancellationToken, Task<QuotaTeam>> change, CancellationToken cancellationToken) =>
        Change(action, async (session, ct) =>
        {
            var all = await session.GetTeamsAsync(ct).ConfigureAwait(false);
            var current = all.FirstOrDefault(t => t.Id == teamId) ?? throw new QuotaSubjectNotFoundException(QuotaSubjectLevel.Team, teamId);
            var next = await change(session, all, current, ct).ConfigureAwait(false);
            if (next == current)
            {
                return current;
            }

            next = next with { UpdatedAt = session.Now };
            await session.UpdateTeamAsync(next, ct).ConfigureAwait(false);
            await Audit(session, actor, action, TeamTarget(teamId), JsonSerializer.Serialize(current), JsonSerializer.Serialize(next), ct).ConfigureAwait(false);
            return next;
        }, cancellationToken);

    private Task<QuotaOrganisation> ChangeOrganisation(long organisationId, string action, string? actor, Func<IQuotaAdminSession, IReadOnlyList<QuotaOrganisation>, QuotaOrganisation, CancellationToken, Task<QuotaOrganisation>> change, CancellationToken cancellationToken) =>
        Change(action, async (session, ct) =>
        {
            var all = await session.GetOrganisationsAsync(ct).ConfigureAwait(false);
            var current = all.FirstOrDefault(o => o.Id == organisationId) ?? throw new QuotaSubjectNotFoundException(QuotaSubjectLevel.Organisation, organisationId);
            var next = await change(session, all, current, ct).ConfigureAwait(false);
            if (next == current)
            {
                return current;
            }

            next = next with { UpdatedAt = session.Now };
            await session.UpdateOrganisationAsync(next, ct).ConfigureAwait(false);
            await Audit(session, actor, action, OrganisationTarget(organisationId), JsonSerializer.Serialize(current), JsonSerializer.Serialize(next), ct).ConfigureAwait(false);
            return next;
        }, cancellationToken);

    private static async Task<QuotaTeam> RequireTeamAsync(IQuotaAdminSession session, long teamId, CancellationToken ct) =>
        (await session.GetTeamsAsync(ct).ConfigureAwait(false)).FirstOrDefault(t => t.Id == teamId)
            ?? throw new QuotaSubjectNotFoundException(QuotaSubjectLevel.Team, teamId);

    private static async Task RequireOrganisationAsync(IQuotaAdminSession session, long? organisationId, CancellationToken ct)
    {
        if (organisationId is { } id && !(await session.GetOrganisationsAsync(ct).ConfigureAwait(false)).Any(o => o.Id == id))
        {
            throw new QuotaSubjectNotFoundException(QuotaSubjectLevel.Organisation, id);
        }
    }

    private static async Task RequireSubjectProfileAsync(IQuotaAdminSession session, long? profileId, CancellationToken ct)
    {
        if (profileId is not { } id)
        {
            return;
        }

        var profile = await session.GetProfileAsync(id, ct).ConfigureAwait(false) ?? throw new ConsumptionProfileNotFoundException(id);
        if (!profile.IsActive)
        {
            throw new TeamOperationRefusedException(TeamRefusalReason.ProfileInactive, $"Cannot give the inactive profile \"{profile.Name}\" to a team or organisation.");
        }
    }

    private static void EnsureFree(IEnumerable<(long Id, string Name)> taken, string name, long? exceptId, QuotaSubjectLevel level)
    {
        if (taken.Any(t => t.Id != exceptId && string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new QuotaSubjectConflictException(level, name);
        }
    }

    private static string TeamTarget(long id) => "team:" + id.ToString(CultureInfo.InvariantCulture);

    private static string OrganisationTarget(long id) => "organisation:" + id.ToString(CultureInfo.InvariantCulture);

    private static string? MembershipJson(long? teamId) => teamId is null ? null : JsonSerializer.Serialize(new { team_id = teamId });
}
