using System.Runtime.CompilerServices;

namespace TokenQuota.Samples.WebHost;

/// <summary>
/// The sample's users as TokenQuota's <see cref="IUserDirectory"/>: the admin API refuses to assign a profile to any
/// other id (404 <c>User not found</c>), and the Unlimited maintenance step covers all of them. A real host reads its
/// users table here.
/// </summary>
public sealed class DemoUserDirectory : IUserDirectory
{
    /// <inheritdoc/>
    public async IAsyncEnumerable<string> ListUserIdsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var user in DemoUsers.All)
        {
            yield return user.Id;
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> ExistsAsync(string userId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(DemoUsers.All.Any(u => string.Equals(u.Id, userId, StringComparison.Ordinal)));
}
