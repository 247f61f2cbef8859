namespace TokenQuota;

/// <summary>
/// The host's users, for administration: which user ids exist. Optional; register one with
/// <c>services.AddTokenQuotas().UseUserDirectory&lt;T&gt;()</c>. When one is registered,
/// <see cref="IConsumptionProfileManager"/> refuses to assign a profile to an id it does not know
/// (<see cref="UnknownUserException"/>), and <see cref="IConsumptionProfileManager.AssignProfileToUnassignedUsersAsync"/>
/// covers every user it lists. Without one, any valid user id may be assigned and the maintenance step covers only the
/// users the store has seen.
/// </summary>
/// <remarks>
/// The directory is a singleton and is called outside the store's transactions, so a slow directory never holds a
/// store lock; a host whose users live in a scoped <c>DbContext</c> uses an <c>IDbContextFactory</c> inside it.
/// A user deleted between the check and the write keeps the assignment just written.
/// </remarks>
public interface IUserDirectory
{
    /// <summary>
    /// Streams the id of every user, each once, in any order. It is read once per
    /// <see cref="IConsumptionProfileManager.AssignProfileToUnassignedUsersAsync"/>, so stream from the host's table
    /// rather than loading it whole.
    /// </summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The user ids.</returns>
    IAsyncEnumerable<string> ListUserIdsAsync(CancellationToken cancellationToken = default);

    /// <summary>Tells whether a user with this id exists.</summary>
    /// <param name="userId">The user id (already validated).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the user exists.</returns>
    ValueTask<bool> ExistsAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds the ids of a bulk assignment that name no user. The default calls <see cref="ExistsAsync"/> for each id;
    /// a directory backed by a database overrides it with one query for the whole list.
    /// </summary>
    /// <param name="userIds">The user ids (validated, distinct).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The unknown ids, in the order given; empty when every user exists.</returns>
    async ValueTask<IReadOnlyList<string>> FindUnknownAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var unknown = new List<string>();
        foreach (var userId in userIds)
        {
            if (!await ExistsAsync(userId, cancellationToken).ConfigureAwait(false))
            {
                unknown.Add(userId);
            }
        }

        return unknown;
    }
}
