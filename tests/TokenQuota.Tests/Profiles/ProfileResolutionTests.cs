using Moq;
using TokenQuota.Tests.TestSupport;

namespace TokenQuota.Tests;

public class ProfileResolutionTests
{
    private const string User = "alice";
    private QuotaHarness harness = null!;

    [SetUp]
    public void SetUp()
    {
        harness = new QuotaHarness();
        harness.WithProfile(Profiles.Make(1, "Free", input: 1_000, isDefault: true))
            .WithProfile(Profiles.Make(2, "Pro", input: 500_000))
            .WithProfile(Profiles.Make(3, "Retired", input: 7, isActive: false));
    }

    [TearDown]
    public void TearDown() => harness.Dispose();

    [Test]
    public async Task AssignedActiveProfileApplies()
    {
        harness.Assign(User, 2);

        var profile = await harness.Manager.GetEffectiveProfileAsync(User);
        var check = await harness.Checker.CheckAsync(User, 0, 0);

        Assert.Multiple(() =>
        {
            Assert.That(profile?.Id, Is.EqualTo(2));
            Assert.That(check.ProfileId, Is.EqualTo(2));
            Assert.That(check.Input.Limit, Is.EqualTo(500_000));
        });
    }

    [Test]
    public async Task AssignedProfileListedAfterTheDefaultStillWins()
    {
        harness.Profiles.Reverse();
        harness.Assign(User, 2);

        var profile = await harness.Manager.GetEffectiveProfileAsync(User);

        Assert.That(profile?.Name, Is.EqualTo("Pro"));
    }

    [Test]
    public async Task AssignedInactiveProfileFallsBackToTheActiveDefault()
    {
        harness.Assign(User, 3);

        var profile = await harness.Manager.GetEffectiveProfileAsync(User);
        var check = await harness.Checker.CheckAsync(User, 5_000, 0);

        Assert.Multiple(() =>
        {
            Assert.That(profile?.Id, Is.EqualTo(1));
            Assert.That(check.ProfileName, Is.EqualTo("Free"));
            Assert.That(check.IsAllowed, Is.False);
        });
    }

    [Test]
    public async Task DanglingAssignmentFallsBackToTheActiveDefault()
    {
        harness.Assign(User, 999);

        var profile = await harness.Manager.GetEffectiveProfileAsync(User);

        Assert.That(profile?.Id, Is.EqualTo(1));
    }

    [Test]
    public async Task NoAssignmentGetsTheActiveDefault()
    {
        var profile = await harness.Manager.GetEffectiveProfileAsync(User);

        Assert.That(profile?.Id, Is.EqualTo(1));
    }

    [Test]
    public async Task InactiveDefaultIsNotUsedSoNoProfileApplies()
    {
        harness.Profiles[0] = harness.Profiles[0] with { IsActive = false };
        harness.Assign(User, 3);

        var profile = await harness.Manager.GetEffectiveProfileAsync(User);
        var check = await harness.Checker.CheckAsync(User, 1_000_000, 0);

        Assert.Multiple(() =>
        {
            Assert.That(profile, Is.Null);
            Assert.That(check.IsAllowed, Is.True);
            Assert.That(check.ProfileId, Is.Null);
        });
    }

    [Test]
    public async Task NoDefaultNoProfileApplies()
    {
        harness.Profiles[0] = harness.Profiles[0] with { IsDefault = false };

        var profile = await harness.Manager.GetEffectiveProfileAsync(User);
        var status = await harness.Checker.GetStatusAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(profile, Is.Null);
            Assert.That(status.HasQuota, Is.False);
        });
    }

    [Test]
    public async Task SameConfigurationVersionReadsProfilesAndAssignmentOnce()
    {
        harness.Assign(User, 2);

        await harness.Checker.CheckAsync(User, 1, 1);
        await harness.Checker.CheckAsync(User, 1, 1);
        await harness.RateLimits.AcquirePromptAsync(User);

        // A check's usage read carries the version, as every store's does; the prompt charges the cached version, which
        // the store confirms: no separate version read at all.
        harness.Store.Verify(s => s.GetConfigurationVersionAsync(It.IsAny<CancellationToken>()), Times.Never);
        harness.Store.Verify(s => s.GetProfilesAsync(It.IsAny<CancellationToken>()), Times.Once);
        harness.Store.Verify(s => s.GetAssignedProfileIdAsync(User, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task NewConfigurationVersionRefreshesProfiles()
    {
        harness.Assign(User, 2);
        var before = await harness.Checker.CheckAsync(User, 0, 0);

        // Another process deactivates Pro: the cached copy must not be used once the version moves.
        harness.Profiles[1] = harness.Profiles[1] with { IsActive = false };
        var stale = await harness.Checker.CheckAsync(User, 0, 0);
        harness.Version = 2;
        var after = await harness.Checker.CheckAsync(User, 0, 0);

        Assert.Multiple(() =>
        {
            Assert.That(before.ProfileName, Is.EqualTo("Pro"));
            Assert.That(stale.ProfileName, Is.EqualTo("Pro"), "within one version the cached profiles are used");
            Assert.That(after.ProfileName, Is.EqualTo("Free"));
        });
        harness.Store.Verify(s => s.GetProfilesAsync(It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Test]
    public async Task NewConfigurationVersionRefreshesAssignments()
    {
        var before = await harness.Checker.CheckAsync(User, 0, 0);

        // Another process assigns the user to Pro.
        harness.Assign(User, 2);
        harness.Version = 8;
        var after = await harness.Checker.CheckAsync(User, 0, 0);

        Assert.Multiple(() =>
        {
            Assert.That(before.ProfileName, Is.EqualTo("Free"));
            Assert.That(after.ProfileName, Is.EqualTo("Pro"));
        });
        harness.Store.Verify(s => s.GetAssignedProfileIdAsync(User, It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Test]
    public async Task AdminChangeInThisProcessDropsTheCacheEvenBeforeTheVersionIsRead()
    {
        var session = new InMemoryAdminSession(QuotaHarness.DefaultNow);
        session.Add(Profiles.Make(2, "Pro"));
        session.AttachTo(harness.Store);
        harness.Store.Setup(s => s.GetProfilesAsync(It.IsAny<CancellationToken>()))
            .Returns(() => Task.FromResult<IReadOnlyList<ConsumptionProfile>>(harness.Profiles.ToArray()));

        await harness.Checker.CheckAsync(User, 0, 0);
        await harness.Manager.AssignAsync(User, 2, "admin");
        harness.Assign(User, 2);
        var after = await harness.Checker.CheckAsync(User, 0, 0);

        Assert.That(after.ProfileName, Is.EqualTo("Pro"));
        harness.Store.Verify(s => s.GetProfilesAsync(It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Test]
    public async Task MaxCachedAssignmentsZeroReadsTheAssignmentEveryTime()
    {
        harness.Dispose();
        harness = new QuotaHarness(o => o.MaxCachedAssignments = 0);
        harness.WithProfile(Profiles.Make(1, "Free", isDefault: true)).WithProfile(Profiles.Make(2, "Pro"));

        var first = await harness.Checker.CheckAsync(User, 0, 0);
        harness.Assign(User, 2);
        var second = await harness.Checker.CheckAsync(User, 0, 0);

        Assert.Multiple(() =>
        {
            Assert.That(first.ProfileName, Is.EqualTo("Free"));
            Assert.That(second.ProfileName, Is.EqualTo("Pro"));
        });
        harness.Store.Verify(s => s.GetProfilesAsync(It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task CachedAssignmentsAreKeptPerUser()
    {
        harness.Assign(User, 2);

        var alice = await harness.Checker.CheckAsync(User, 0, 0);
        var bob = await harness.Checker.CheckAsync("bob", 0, 0);
        var aliceAgain = await harness.Checker.CheckAsync(User, 0, 0);

        Assert.Multiple(() =>
        {
            Assert.That(alice.ProfileName, Is.EqualTo("Pro"));
            Assert.That(bob.ProfileName, Is.EqualTo("Free"));
            Assert.That(aliceAgain.ProfileName, Is.EqualTo("Pro"));
        });
    }

    [Test]
    public void ResolveRuleAssignedActiveElseActiveDefaultElseNone()
    {
        ConsumptionProfile[] profiles =
        [
            Profiles.Make(1, "OldDefault", isDefault: true, isActive: false),
            Profiles.Make(2, "Default", isDefault: true),
            Profiles.Make(3, "Pro"),
            Profiles.Make(4, "Off", isActive: false),
        ];

        Assert.Multiple(() =>
        {
            Assert.That(ProfileResolver.Resolve(profiles, 3)?.Id, Is.EqualTo(3));
            Assert.That(ProfileResolver.Resolve(profiles, 4)?.Id, Is.EqualTo(2));
            Assert.That(ProfileResolver.Resolve(profiles, 99)?.Id, Is.EqualTo(2));
            Assert.That(ProfileResolver.Resolve(profiles, null)?.Id, Is.EqualTo(2));
            Assert.That(ProfileResolver.Resolve(profiles.Where(p => p.Id != 2), null), Is.Null);
            Assert.That(ProfileResolver.Resolve([], 3), Is.Null);
        });
    }
}
