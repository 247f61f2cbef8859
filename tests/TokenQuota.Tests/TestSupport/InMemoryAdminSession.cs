using Moq;
using TokenQuota.Storage;

namespace TokenQuota.Tests.TestSupport;

/// <summary>
/// A small hand-written admin session: profiles and assignments in memory, and an ordered journal of every write so
/// tests can check what a change wrote and in which order.
/// </summary>
internal sealed class InMemoryAdminSession : IQuotaAdminSession
{
    private long nextId = 100;

    public InMemoryAdminSession(DateTimeOffset now) => Now = now;

    public DateTimeOffset Now { get; }

    public List<ConsumptionProfile> Stored { get; } = [];

    public Dictionary<string, long> Assignments { get; } = new(StringComparer.Ordinal);

    public List<QuotaAuditEntry> Audit { get; } = [];

    /// <summary>Every write, in order: "clear_default", "insert:Name", "update:3", "delete:3", "move:3->4", "assign:alice=3", "audit:profile.create".</summary>
    public List<string> Writes { get; } = [];

    /// <summary>How many admin changes the store was asked to run.</summary>
    public int Changes { get; set; }

    public Task<IReadOnlyList<QuotaTeam>> GetTeamsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<QuotaTeam>>([]);

    public Task<IReadOnlyList<QuotaOrganisation>> GetOrganisationsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<QuotaOrganisation>>([]);

    public InMemoryAdminSession Add(ConsumptionProfile profile)
    {
        Stored.Add(profile);
        return this;
    }

    /// <summary>Makes <paramref name="store"/> run every admin change against this session, and answer profile reads from it.</summary>
    public void AttachTo(Mock<IQuotaStore> store)
    {
        store.Setup(s => s.ExecuteAdminChangeAsync(It.IsAny<Func<IQuotaAdminSession, CancellationToken, Task<It.IsAnyType>>>(), It.IsAny<CancellationToken>()))
            .Returns(new InvocationFunc(invocation =>
            {
                Changes++;
                var change = (Delegate)invocation.Arguments[0]!;
                return change.DynamicInvoke(this, invocation.Arguments[1])!;
            }));
        store.Setup(s => s.GetProfilesAsync(It.IsAny<CancellationToken>()))
            .Returns(() => Task.FromResult<IReadOnlyList<ConsumptionProfile>>(Snapshot()));
    }

    public ConsumptionProfile? Find(long id) => Snapshot().FirstOrDefault(p => p.Id == id);

    public Task<IReadOnlyList<ConsumptionProfile>> GetProfilesAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ConsumptionProfile>>(Snapshot());

    public Task<ConsumptionProfile?> GetProfileAsync(long profileId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Find(profileId));

    public Task<long> InsertProfileAsync(ConsumptionProfile profile, CancellationToken cancellationToken = default)
    {
        var id = nextId++;
        Writes.Add("insert:" + profile.Name);
        Stored.Add(profile with { Id = id, UserCount = 0 });
        return Task.FromResult(id);
    }

    public Task UpdateProfileAsync(ConsumptionProfile profile, CancellationToken cancellationToken = default)
    {
        Writes.Add("update:" + profile.Id);
        var index = Stored.FindIndex(p => p.Id == profile.Id);
        Stored[index] = profile;
        return Task.CompletedTask;
    }

    public Task DeleteProfileAsync(long profileId, CancellationToken cancellationToken = default)
    {
        Writes.Add("delete:" + profileId);
        if (Assignments.ContainsValue(profileId))
        {
            throw new InvalidOperationException("FOREIGN KEY constraint failed: the profile still has assignments.");
        }

        Stored.RemoveAll(p => p.Id == profileId);
        return Task.CompletedTask;
    }

    public Task ClearDefaultAsync(CancellationToken cancellationToken = default)
    {
        Writes.Add("clear_default");
        for (var i = 0; i < Stored.Count; i++)
        {
            Stored[i] = Stored[i] with { IsDefault = false };
        }

        return Task.CompletedTask;
    }

    public Task<long> MoveAssignmentsAsync(long fromProfileId, long toProfileId, CancellationToken cancellationToken = default)
    {
        Writes.Add($"move:{fromProfileId}->{toProfileId}");
        var users = Assignments.Where(a => a.Value == fromProfileId).Select(a => a.Key).ToArray();
        foreach (var user in users)
        {
            Assignments[user] = toProfileId;
        }

        return Task.FromResult((long)users.Length);
    }

    public Task<long?> GetAssignmentAsync(string userId, CancellationToken cancellationToken = default) =>
        Task.FromResult<long?>(Assignments.TryGetValue(userId, out var id) ? id : null);

    public Task SetAssignmentAsync(string userId, long? profileId, CancellationToken cancellationToken = default)
    {
        Writes.Add($"assign:{userId}={profileId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}");
        if (profileId is { } id)
        {
            Assignments[userId] = id;
        }
        else
        {
            Assignments.Remove(userId);
        }

        return Task.CompletedTask;
    }

    public Task WriteAuditAsync(QuotaAuditEntry entry, CancellationToken cancellationToken = default)
    {
        Writes.Add("audit:" + entry.Action);
        Audit.Add(entry);
        return Task.CompletedTask;
    }

    public List<string> KnownUnassignedUsers { get; } = [];

    public Task<IReadOnlyList<string>> GetKnownUnassignedUsersAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(KnownUnassignedUsers.Where(u => !Assignments.ContainsKey(u)).ToArray());

    private ConsumptionProfile[] Snapshot() =>
        Stored.Select(p => p with { UserCount = Assignments.Count(a => a.Value == p.Id) }).ToArray();
}
