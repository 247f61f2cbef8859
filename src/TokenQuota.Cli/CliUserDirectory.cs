using System.Runtime.CompilerServices;

namespace TokenQuota.Cli;

/// <summary>
/// The host's users as a command sees them: the ids of <c>--users-file</c> and of <c>--users-sql</c>, together.
/// Registered as the <see cref="IUserDirectory"/> of the run, so assignments to other ids are refused and
/// <c>assign-unlimited</c> covers every one of them. <see cref="LoadAsync"/> reads them before the command starts.
/// </summary>
internal sealed class CliUserDirectory(StoreProvider provider, string connectionString, string? usersFile, string? usersSql) : IUserDirectory
{
    private List<string>? ids;

    private HashSet<string>? known;

    /// <summary>Gets how many distinct ids were read.</summary>
    public int Count => Loaded.Count;

    private List<string> Loaded => ids ?? throw new InvalidOperationException("The user ids have not been loaded.");

    /// <summary>Reads the file and runs the query; ids in both count once.</summary>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>A task that completes when the ids are read.</returns>
    /// <exception cref="CliUsageException">The file or the query is unusable.</exception>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var all = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (usersFile is not null)
        {
            all.AddRange((await UserIdFile.ReadAsync(usersFile, "--users-file", cancellationToken).ConfigureAwait(false)).Where(seen.Add));
        }

        if (usersSql is not null)
        {
            all.AddRange((await UsersSqlQuery.ReadAsync(provider, connectionString, usersSql, cancellationToken).ConfigureAwait(false)).Where(seen.Add));
        }

        ids = all;
        known = seen;
    }

    public async IAsyncEnumerable<string> ListUserIdsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var id in Loaded)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return id;
        }
    }

    public ValueTask<bool> ExistsAsync(string userId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult((known ?? throw new InvalidOperationException("The user ids have not been loaded.")).Contains(userId));
}
