using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Stores.Tests;

/// <summary>Teams, organisations and memberships: each change atomic and audited, bad input refused with nothing written.</summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class TeamAdministrationTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    [Test]
    public async Task OrganisationsTeamsAndMembersAreCreatedMovedAndListedAndEveryChangeIsAudited()
    {
        var s = await StartAsync();
        var acme = await s.Profiles.CreateOrganisationAsync("  Acme  ", actor: "admin");
        var research = await s.Profiles.CreateTeamAsync("Research", acme.Id, actor: "admin");
        var sales = await s.Profiles.CreateTeamAsync("Sales", actor: "admin");
        await s.Profiles.AddTeamMemberAsync(research.Id, "alice", "admin");
        await s.Profiles.AddTeamMemberAsync(research.Id, "bob", "admin");
        await s.Profiles.MoveUserToTeamAsync("bob", sales.Id, "admin");
        var moved = await s.Profiles.MoveTeamAsync(sales.Id, acme.Id, "admin");
        var renamed = await s.Profiles.RenameTeamAsync(research.Id, "R&D", "admin");

        await using var other = BuildServices();
        var manager = other.GetRequiredService<IConsumptionProfileManager>();
        var teams = await manager.ListTeamsAsync();
        var organisations = await manager.ListOrganisationsAsync();
        var members = await manager.ListTeamMembersAsync(research.Id);
        var bobsTeam = await manager.GetUserTeamAsync("bob");
        var nobodysTeam = await manager.GetUserTeamAsync("carol");
        var actions = (await manager.QueryAuditLogAsync(new QuotaAuditQuery { Limit = 100 })).Items.Select(e => e.Action).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(acme.Name, Is.EqualTo("Acme"), "names are trimmed as profile names are");
            Assert.That(teams.Select(t => (t.Name, t.OrganisationId, t.MemberCount)), Is.EqualTo(new[] { ("R&D", (long?)acme.Id, 1L), ("Sales", (long?)acme.Id, 1L) }));
            Assert.That(organisations.Single().TeamCount, Is.EqualTo(2));
            Assert.That(members.Items.Select(m => m.UserId), Is.EqualTo(new[] { "alice" }));
            Assert.That(members.TotalCount, Is.EqualTo(1));
            Assert.That(members.Items.Single().JoinedAt, Is.EqualTo(Start));
            Assert.That(bobsTeam?.Name, Is.EqualTo("Sales"), "bob moved, so he is in one team only");
            Assert.That(nobodysTeam, Is.Null);
            Assert.That(moved.OrganisationId, Is.EqualTo(acme.Id));
            Assert.That(renamed.Name, Is.EqualTo("R&D"));
            Assert.That(actions, Is.SupersetOf(new[]
            {
                QuotaAuditActions.OrganisationCreated, QuotaAuditActions.TeamCreated, QuotaAuditActions.TeamMemberAdded,
                QuotaAuditActions.TeamMemberMoved, QuotaAuditActions.TeamMoved, QuotaAuditActions.TeamRenamed,
            }));
            Assert.That(actions, Has.Length.EqualTo(8));
        });
    }

    [Test]
    public async Task BadInputIsRefusedClearlyAndWritesNothing()
    {
        var s = await StartAsync();
        var acme = await s.Profiles.CreateOrganisationAsync("Acme");
        var research = await s.Profiles.CreateTeamAsync("Research", acme.Id);
        var sales = await s.Profiles.CreateTeamAsync("Sales");
        await s.Profiles.AddTeamMemberAsync(research.Id, "alice");
        var inactive = await s.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Off", IsActive = false });
        var before = Snapshot();
        var audits = AuditCount();

        var duplicate = await Assert.ThrowsAsync<QuotaSubjectConflictException>(() => s.Profiles.CreateTeamAsync("research"));
        var emptyName = await Assert.ThrowsAsync<ConsumptionProfileValidationException>(() => s.Profiles.CreateTeamAsync("   "));
        var longName = await Assert.ThrowsAsync<ConsumptionProfileValidationException>(() => s.Profiles.CreateOrganisationAsync(new string('x', 101)));
        var control = await Assert.ThrowsAsync<ConsumptionProfileValidationException>(() => s.Profiles.RenameTeamAsync(research.Id, "a\u0007b"));
        var unknownOrganisation = await Assert.ThrowsAsync<QuotaSubjectNotFoundException>(() => s.Profiles.CreateTeamAsync("Ops", organisationId: 999));
        var unknownTeam = await Assert.ThrowsAsync<QuotaSubjectNotFoundException>(() => s.Profiles.AddTeamMemberAsync(999, "bob"));
        var twoTeams = await Assert.ThrowsAsync<TeamOperationRefusedException>(() => s.Profiles.AddTeamMemberAsync(sales.Id, "alice"));
        var withMembers = await Assert.ThrowsAsync<TeamOperationRefusedException>(() => s.Profiles.DeleteTeamAsync(research.Id));
        var withTeams = await Assert.ThrowsAsync<TeamOperationRefusedException>(() => s.Profiles.DeleteOrganisationAsync(acme.Id));
        var notAMember = await Assert.ThrowsAsync<TeamOperationRefusedException>(() => s.Profiles.RemoveTeamMemberAsync(sales.Id, "alice"));
        var inactiveProfile = await Assert.ThrowsAsync<TeamOperationRefusedException>(() => s.Profiles.SetTeamProfileAsync(sales.Id, inactive.Id));
        var unknownProfile = await Assert.ThrowsAsync<ConsumptionProfileNotFoundException>(() => s.Profiles.SetOrganisationProfileAsync(acme.Id, 999));
        var badUser = await Assert.ThrowsAsync<ArgumentException>(() => s.Profiles.AddTeamMemberAsync(sales.Id, "bad\u0001user"));

        Assert.Multiple(() =>
        {
            Assert.That(duplicate!.Message, Is.EqualTo("Team with name \"research\" already exists"));
            Assert.That(emptyName!.Errors["name"], Is.EqualTo(new[] { "Team name is required." }));
            Assert.That(longName!.Errors["name"].Single(), Does.Contain("at most 100"));
            Assert.That(control!.Errors["name"].Single(), Does.Contain("control characters"));
            Assert.That(unknownOrganisation!.Message, Is.EqualTo("Organisation 999 not found."));
            Assert.That(unknownTeam!.Message, Is.EqualTo("Team 999 not found."));
            Assert.That(twoTeams!.Reason, Is.EqualTo(TeamRefusalReason.UserInAnotherTeam));
            Assert.That(twoTeams.Message, Does.Contain("already a member of team \"Research\""));
            Assert.That(withMembers!.Reason, Is.EqualTo(TeamRefusalReason.TeamHasMembers));
            Assert.That(withMembers.Message, Does.Contain("1 user(s) are members"));
            Assert.That(withTeams!.Reason, Is.EqualTo(TeamRefusalReason.OrganisationHasTeams));
            Assert.That(notAMember!.Reason, Is.EqualTo(TeamRefusalReason.NotAMember));
            Assert.That(inactiveProfile!.Reason, Is.EqualTo(TeamRefusalReason.ProfileInactive));
            Assert.That(unknownProfile, Is.Not.Null);
            Assert.That(badUser, Is.Not.Null);
            Assert.That(Snapshot(), Is.EqualTo(before), "nothing written by any refused change");
            Assert.That(AuditCount(), Is.EqualTo(audits));
        });
    }

    [Test]
    public async Task ATeamIsDeletedOnceItsMembersAreMovedAndAProfileInUseByATeamIsDeletedOnlyByMovingTheTeam()
    {
        var s = await StartAsync();
        var shared = await s.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Shared", InputTokensPerMonth = 1000 });
        var other = await s.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Other" });
        var acme = await s.Profiles.CreateOrganisationAsync("Acme", shared.Id);
        var research = await s.Profiles.CreateTeamAsync("Research", acme.Id, shared.Id);
        var sales = await s.Profiles.CreateTeamAsync("Sales");
        await s.Profiles.AddTeamMemberAsync(research.Id, "alice");

        var inUse = await Assert.ThrowsAsync<ConsumptionProfileOperationRefusedException>(() => s.Profiles.DeleteAsync(shared.Id));
        await s.Profiles.DeleteAsync(shared.Id, reassignTo: other.Id);
        await s.Profiles.MoveUserToTeamAsync("alice", sales.Id);
        await s.Profiles.DeleteTeamAsync(research.Id);
        await s.Profiles.DeleteOrganisationAsync(acme.Id);
        var teams = await s.Profiles.ListTeamsAsync();

        Assert.Multiple(() =>
        {
            Assert.That(inUse!.Reason, Is.EqualTo(ProfileRefusalReason.ProfileInUse));
            Assert.That(inUse.Message, Is.EqualTo("Cannot delete profile. 2 team(s) or organisation(s) use it."));
            Assert.That(teams.Select(t => t.Name), Is.EqualTo(new[] { "Sales" }));
            Assert.That(teams.Single().MemberCount, Is.EqualTo(1));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_organisations;"), Is.Zero);
        });
    }
}
