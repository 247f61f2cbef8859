using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using TokenQuota.Storage;

namespace TokenQuota.Stores.Tests;

/// <summary>The host's <see cref="IUserDirectory"/>: assignments to unknown users are refused, the Unlimited step covers its users.</summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class UserDirectoryTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    [Test]
    public async Task AssigningAProfileToAnUnknownUserIsRefusedAndWritesNothing()
    {
        var directory = new ListDirectory("alice", "bob");
        var s = await StartWithAsync(directory);
        var pro = await ProfileIdAsync(s.Profiles, "Pro");
        var snapshot = Snapshot();

        var error = await Assert.ThrowsAsync<UnknownUserException>(() => s.Profiles.AssignAsync("mallory", pro, "ops"));

        Assert.Multiple(() =>
        {
            Assert.That(error!.UserId, Is.EqualTo("mallory"));
            Assert.That(error.UserIds, Is.EqualTo(new[] { "mallory" }));
            Assert.That(error.Message, Does.StartWith("User not found"));
            Assert.That(error, Is.InstanceOf<TokenQuotaException>());
            Assert.That(Snapshot(), Is.EqualTo(snapshot));
        });
    }

    [Test]
    public async Task AKnownUserIsAssignedAsBefore()
    {
        var s = await StartWithAsync(new ListDirectory("alice", "bob"));
        var pro = await ProfileIdAsync(s.Profiles, "Pro");

        await s.Profiles.AssignAsync("alice", pro);

        Assert.That((await s.Profiles.GetEffectiveProfileAsync("alice"))!.Name, Is.EqualTo("Pro"));
    }

    [Test]
    public async Task AnUnknownUserIsRefusedBeforeAnUnknownProfile()
    {
        // The seed looked the user up first: an unknown user and an unknown profile answer "User not found".
        var s = await StartWithAsync(new ListDirectory("alice"));

        await Assert.ThrowsAsync<UnknownUserException>(() => s.Profiles.AssignAsync("mallory", 999_999));
        await Assert.ThrowsAsync<ConsumptionProfileNotFoundException>(() => s.Profiles.AssignAsync("alice", 999_999));
    }

    [Test]
    public async Task UnassigningAUserTheDirectoryNoLongerKnowsIsAllowed()
    {
        var directory = new ListDirectory("alice", "gone");
        var s = await StartWithAsync(directory);
        var pro = await ProfileIdAsync(s.Profiles, "Pro");
        await s.Profiles.AssignManyAsync(["alice", "gone"], pro);
        directory.Remove("gone");

        await s.Profiles.AssignAsync("gone", null);
        await s.Profiles.AssignManyAsync(["gone", "never-existed"], null);

        Assert.Multiple(() =>
        {
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_assignments WHERE user_id = 'gone';"), Is.Zero);
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_assignments WHERE user_id = 'alice';"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task ABulkAssignmentWithAnyUnknownIdWritesNothingAndNamesThemAll()
    {
        var s = await StartWithAsync(new ListDirectory("a", "b", "c"));
        var pro = await ProfileIdAsync(s.Profiles, "Pro");
        var snapshot = Snapshot();

        var error = await Assert.ThrowsAsync<UnknownUserException>(() => s.Profiles.AssignManyAsync(["a", "x", "b", "y"], pro));

        Assert.Multiple(() =>
        {
            Assert.That(error!.UserIds, Is.EqualTo(new[] { "x", "y" }));
            Assert.That(error.Message, Does.Contain("'x'").And.Contain("'y'"));
            Assert.That(Snapshot(), Is.EqualTo(snapshot), "not even the known ids are assigned");
        });
    }

    [Test]
    public async Task ABulkAssignmentAsksTheDirectoryOnceForTheWholeList()
    {
        var directory = new ListDirectory(Enumerable.Range(0, 1000).Select(i => $"u{i}").ToArray());
        var s = await StartWithAsync(directory);

        var assigned = await s.Profiles.AssignManyAsync([.. Enumerable.Range(0, 1000).Select(i => $"u{i}")], await ProfileIdAsync(s.Profiles, "Pro"));

        Assert.Multiple(() =>
        {
            Assert.That(assigned, Is.EqualTo(1000));
            Assert.That(directory.BulkLookups, Is.EqualTo(1));
            Assert.That(directory.SingleLookups, Is.Zero);
        });
    }

    [Test]
    public async Task AssignUnlimitedCoversEveryDirectoryUserWithoutAnAssignment()
    {
        var directory = new ListDirectory("never-used-1", "never-used-2", "on-pro", "with-usage");
        var s = await StartWithAsync(directory);
        var pro = await ProfileIdAsync(s.Profiles, "Pro");
        await s.Profiles.AssignAsync("on-pro", pro);
        await s.Checker.RecordAsync("with-usage", 10, 5);
        await s.Checker.RecordAsync("store-only", 1, 1);

        var summary = await s.Profiles.AssignProfileToUnassignedUsersAsync("Unlimited", makeDefault: true, ["extra"], actor: "ops");
        var unlimited = await ProfileIdAsync(s.Profiles, "Unlimited");

        var assignments = Rows("SELECT user_id, profile_id FROM tokenquota_assignments ORDER BY user_id;")
            .ToDictionary(r => (string)r["user_id"]!, r => (long)r["profile_id"]!);
        Assert.Multiple(() =>
        {
            Assert.That(summary.DirectoryUserCount, Is.EqualTo(4));
            Assert.That(summary.UsersAssigned, Is.EqualTo(5), "never-used-1, never-used-2, with-usage, store-only, extra");
            Assert.That(assignments, Has.Count.EqualTo(6));
            Assert.That(assignments["never-used-1"], Is.EqualTo(unlimited));
            Assert.That(assignments["never-used-2"], Is.EqualTo(unlimited));
            Assert.That(assignments["with-usage"], Is.EqualTo(unlimited));
            Assert.That(assignments["store-only"], Is.EqualTo(unlimited), "the store's own users are still covered");
            Assert.That(assignments["extra"], Is.EqualTo(unlimited));
            Assert.That(assignments["on-pro"], Is.EqualTo(pro), "explicit assignments are kept");
            Assert.That(summary.Profiles.Single(p => p.Id == unlimited).UserCount, Is.EqualTo(5));
            Assert.That(summary.Profiles.Single(p => p.Id == unlimited).IsDefault, Is.True);
        });
    }

    [Test]
    public async Task AssignUnlimitedRunAgainAssignsNobodyButStillCountsTheDirectory()
    {
        var s = await StartWithAsync(new ListDirectory("a", "b"));
        await s.Profiles.AssignProfileToUnassignedUsersAsync("Unlimited", makeDefault: true);
        var snapshot = Snapshot();

        var second = await s.Profiles.AssignProfileToUnassignedUsersAsync("Unlimited", makeDefault: true, ["a"]);

        Assert.Multiple(() =>
        {
            Assert.That(second.UsersAssigned, Is.Zero);
            Assert.That(second.DirectoryUserCount, Is.EqualTo(2));
            Assert.That(Snapshot(), Is.EqualTo(snapshot));
        });
    }

    [Test]
    public async Task ADirectoryListingAnInvalidIdFailsTheStepBeforeAnythingIsWritten()
    {
        var s = await StartWithAsync(new ListDirectory("ok", new string('x', 129)));
        await s.Checker.RecordAsync("store-user", 1, 1);
        var snapshot = Snapshot();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => s.Profiles.AssignProfileToUnassignedUsersAsync("Unlimited", makeDefault: true));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("invalid user id").And.Contain(nameof(ListDirectory)));
            Assert.That(Snapshot(), Is.EqualTo(snapshot));
        });
    }

    [Test]
    public async Task WithoutADirectoryAnyValidIdIsAssignedAndOnlyKnownUsersAreCovered()
    {
        var s = await StartAsync();
        var pro = await ProfileIdAsync(s.Profiles, "Pro");
        await s.Profiles.AssignAsync("anyone", pro);
        await s.Profiles.AssignManyAsync(["x", "y"], pro);
        await s.Checker.RecordAsync("with-usage", 1, 1);

        var summary = await s.Profiles.AssignProfileToUnassignedUsersAsync("Unlimited", makeDefault: true);

        Assert.Multiple(() =>
        {
            Assert.That(s.Provider.GetService<IUserDirectory>(), Is.Null);
            Assert.That(summary.DirectoryUserCount, Is.Null);
            Assert.That(summary.UsersAssigned, Is.EqualTo(1));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_assignments;"), Is.EqualTo(4));
        });
    }

    private async Task<Services> StartWithAsync(IUserDirectory directory)
    {
        var provider = BuildServices(null, null, builder =>
        {
            Backend.Use(builder, autoMigrate: true);
            builder.UseUserDirectory(directory);
        });
        await provider.GetRequiredService<IQuotaStore>().MigrateAsync();
        return new Services(provider);
    }

    /// <summary>A host directory over an in-memory list, counting how it is asked (the store is real).</summary>
    private sealed class ListDirectory(params string[] ids) : IUserDirectory
    {
        private readonly List<string> users = [.. ids];

        public int SingleLookups { get; private set; }

        public int BulkLookups { get; private set; }

        public void Remove(string userId) => users.Remove(userId);

        public async IAsyncEnumerable<string> ListUserIdsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var id in users.ToArray())
            {
                await Task.Yield();
                yield return id;
            }
        }

        public ValueTask<bool> ExistsAsync(string userId, CancellationToken cancellationToken = default)
        {
            SingleLookups++;
            return ValueTask.FromResult(users.Contains(userId));
        }

        public ValueTask<IReadOnlyList<string>> FindUnknownAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
        {
            BulkLookups++;
            var known = users.ToHashSet(StringComparer.Ordinal);
            return ValueTask.FromResult<IReadOnlyList<string>>([.. userIds.Where(id => !known.Contains(id))]);
        }
    }
}
