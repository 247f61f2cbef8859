using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Stores.Tests;

/// <summary>
/// The rule of DESIGN §7 across levels: a request is judged against the user's, the team's and the organisation's
/// limits together and charged to all of them in one step; a refusal charges nothing anywhere and names its level.
/// </summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class TeamLimitTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    private async Task<(Services S, QuotaTeam Research, QuotaTeam Sales, QuotaOrganisation Acme)> TeamsAsync(
        NewConsumptionProfile? teamProfile = null, NewConsumptionProfile? organisationProfile = null, NewConsumptionProfile? own = null)
    {
        var s = await StartAsync();
        var ownProfile = await s.Profiles.CreateAsync(own ?? new NewConsumptionProfile { Name = "Own", InputTokensPerMonth = 1_000_000, PromptsPerHour = 100, PromptsPerDay = 1000 });
        long? teamProfileId = teamProfile is null ? null : (await s.Profiles.CreateAsync(teamProfile)).Id;
        long? organisationProfileId = organisationProfile is null ? null : (await s.Profiles.CreateAsync(organisationProfile)).Id;
        var acme = await s.Profiles.CreateOrganisationAsync("Acme", organisationProfileId);
        var research = await s.Profiles.CreateTeamAsync("Research", acme.Id, teamProfileId);
        var sales = await s.Profiles.CreateTeamAsync("Sales", acme.Id);
        foreach (var user in new[] { "alice", "bob", "carol" })
        {
            await s.Profiles.AssignAsync(user, ownProfile.Id);
        }

        await s.Profiles.AddTeamMemberAsync(research.Id, "alice");
        await s.Profiles.AddTeamMemberAsync(research.Id, "bob");
        await s.Profiles.AddTeamMemberAsync(sales.Id, "carol");
        return (s, research, sales, acme);
    }

    [Test]
    public async Task ATeamBudgetRefusesAMemberWhileTheMembersOwnLimitStillHasRoom()
    {
        var (s, _, _, _) = await TeamsAsync(teamProfile: new NewConsumptionProfile { Name = "Team", InputTokensPerMonth = 1_000 });
        await s.Checker.RecordAsync("alice", 800, 10);

        var refused = await s.Checker.CheckAsync("bob", 300, 10);
        var fits = await s.Checker.CheckAsync("bob", 200, 10);
        var outsider = await s.Checker.CheckAsync("carol", 300, 10);
        var status = await s.Checker.GetStatusAsync("bob");

        Assert.Multiple(() =>
        {
            Assert.That(refused.IsAllowed, Is.False);
            Assert.That(refused.Message, Is.EqualTo("Team 'Research' monthly input token quota exceeded. Limit: 1,000, used: 800, requested: 300."));
            Assert.That(refused.BindingLevel, Is.EqualTo(QuotaSubjectLevel.Team));
            Assert.That(refused.BindingSubject, Is.EqualTo("Research"));
            Assert.That(refused.Input.Remaining, Is.EqualTo(1_000_000), "bob's own limit still has all its room");
            Assert.That(fits.IsAllowed, Is.True, "800 + 200 fits the team's 1,000");
            Assert.That(outsider.IsAllowed, Is.True, "carol is in another team");
            var team = status.Limits.Single(l => l.Level == "team" && l.Meter == "input_tokens");
            Assert.That((team.Subject, team.Limit, team.Used, team.Remaining), Is.EqualTo(("Research", (long?)1_000, 800L, (long?)200)));
            Assert.That(status.Limits.Where(l => l.Level == "organisation").Select(l => (l.Subject, l.Limit)), Is.EqualTo(new[] { ("Acme", (long?)null), ("Acme", (long?)null) }),
                "an organisation without a profile counts its tokens without limiting them");
        });
    }

    [Test]
    public async Task AnOrganisationLimitBindsAcrossTeamsAndARefusalChargesNoLevel()
    {
        var (s, _, _, _) = await TeamsAsync(
            teamProfile: new NewConsumptionProfile { Name = "Team", PromptsPerHour = 10, PromptsPerDay = 10 },
            organisationProfile: new NewConsumptionProfile { Name = "Org", PromptsPerHour = 2, PromptsPerDay = 100 });

        var first = await s.Rates.AcquirePromptAsync("alice");
        var second = await s.Rates.AcquirePromptAsync("carol");
        var third = await s.Rates.AcquirePromptAsync("bob");
        var aliceStatus = await s.Checker.GetStatusAsync("alice");

        Assert.Multiple(() =>
        {
            Assert.That((first.IsAllowed, second.IsAllowed), Is.EqualTo((true, true)), "alice (Research) and carol (Sales) share Acme's 2 prompts an hour");
            Assert.That(third.IsAllowed, Is.False);
            Assert.That(third.Message, Does.StartWith("Organisation 'Acme' hourly prompt quota exceeded. Limit: 2, used: 2"));
            Assert.That(third.RetryAfter, Is.EqualTo(TimeSpan.FromHours(1)), "Acme's hour runs from 10:00, the clock's time, to 11:00");
            var team = aliceStatus.Limits.Single(l => l.Level == "team" && l.Meter == "prompts" && l.Window == "hour");
            Assert.That(team.Used, Is.EqualTo(1), "bob's refused prompt charged the team nothing");
        });
    }

    [Test]
    public async Task MembersReservationsHoldTheTeamBudgetUntilTheyCommit()
    {
        var (s, _, _, _) = await TeamsAsync(teamProfile: new NewConsumptionProfile { Name = "Team", InputTokensPerMonth = 1_000 });

        var alice = await s.Checker.ReserveAsync("alice", 600, 10);
        var bob = await s.Checker.ReserveAsync("bob", 500, 10);
        await alice.Reservation!.CommitAsync(300, 10);
        var bobAgain = await s.Checker.ReserveAsync("bob", 500, 10);
        var status = await s.Checker.GetStatusAsync("alice");
        var held = status.Limits.Single(l => l.Level == "team" && l.Meter == "input_tokens");
        await bobAgain.Reservation!.ReleaseAsync();
        var afterRelease = (await s.Checker.GetStatusAsync("alice")).Limits.Single(l => l.Level == "team" && l.Meter == "input_tokens");

        Assert.Multiple(() =>
        {
            Assert.That(alice.IsAllowed, Is.True);
            Assert.That(bob.IsAllowed, Is.False, "alice's 600 held + bob's 500 > the team's 1,000");
            Assert.That(bob.Check.Message, Is.EqualTo("Team 'Research' monthly input token quota exceeded. Limit: 1,000, used: 600, requested: 500."));
            Assert.That(bobAgain.IsAllowed, Is.True, "alice committed 300, so 300 + 500 fits");
            Assert.That((held.Used, held.Reserved, held.Remaining), Is.EqualTo((300L, 500L, (long?)200)), "a member's live hold shows in every member's status");
            Assert.That((afterRelease.Used, afterRelease.Reserved), Is.EqualTo((300L, 0L)), "a released hold stops counting");
        });
    }

    [Test]
    public async Task AMemberMovedMidMonthTakesNoPastUsageAndIsJudgedAgainstTheNewTeamAtOnce()
    {
        var (s, research, sales, _) = await TeamsAsync(teamProfile: new NewConsumptionProfile { Name = "Team", InputTokensPerMonth = 1_000 });
        await s.Profiles.SetTeamProfileAsync(sales.Id, (await ProfileIdAsync(s.Profiles, "Team")));
        await s.Checker.RecordAsync("alice", 700, 0);

        await s.Profiles.MoveUserToTeamAsync("alice", sales.Id);
        var inSales = await s.Checker.CheckAsync("alice", 900, 0);
        await s.Checker.RecordAsync("alice", 900, 0);
        var salesFull = await s.Checker.CheckAsync("carol", 200, 0);
        var bobInResearch = await s.Checker.CheckAsync("bob", 300, 0);
        var report = await s.Provider.GetRequiredService<IUsageReports>().GetSubjectUsageAsync(QuotaSubjectLevel.Team);
        var organisations = await s.Provider.GetRequiredService<IUsageReports>().GetSubjectUsageAsync(QuotaSubjectLevel.Organisation);

        Assert.Multiple(() =>
        {
            Assert.That(inSales.IsAllowed, Is.True, "Sales has all its room: alice's 700 stayed with Research");
            Assert.That(salesFull.IsAllowed, Is.False, "alice's 900 since the move count against Sales");
            Assert.That(bobInResearch.IsAllowed, Is.True, "Research keeps alice's 700 and has 300 left");
            Assert.That(report.Select(r => (r.Name, r.InputTokens)), Is.EqualTo(new[] { ("Research", 700L), ("Sales", 900L) }));
            Assert.That(organisations.Single().InputTokens, Is.EqualTo(1_600), "Acme counted both, whichever team alice was in");
            Assert.That(research.Id, Is.Not.EqualTo(sales.Id));
        });
    }

    [Test]
    public async Task ConcurrentReservationsOfManyMembersNeverExceedTheTeamBudget()
    {
        var (s, research, _, _) = await TeamsAsync(teamProfile: new NewConsumptionProfile { Name = "Team", InputTokensPerMonth = 10_000 });
        var members = Enumerable.Range(0, 20).Select(i => $"member-{i}").ToArray();
        foreach (var member in members)
        {
            await s.Profiles.AddTeamMemberAsync(research.Id, member);
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(async () => await s.Checker.ReserveAsync(members[i % members.Length], 400, 0))));
        var granted = results.Count(r => r.IsAllowed);

        Assert.Multiple(() =>
        {
            Assert.That(granted, Is.EqualTo(25), "10,000 / 400: exactly as many as fit, never more, never fewer");
            Assert.That(results.Where(r => !r.IsAllowed).Select(r => r.Check.BindingSubject).Distinct(), Is.EqualTo(new[] { "Research" }));
        });
    }
}
