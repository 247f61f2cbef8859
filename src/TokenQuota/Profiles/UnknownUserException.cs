namespace TokenQuota;

/// <summary>
/// The registered <see cref="IUserDirectory"/> knows no user with the id a profile was to be assigned to (HTTP hosts
/// map it to 404 <c>User not found</c>, as the seed did). Nothing was changed.
/// </summary>
public sealed class UnknownUserException : TokenQuotaException
{
    private const int MaxIdsInMessage = 10;

    /// <summary>Creates the exception for one unknown user id.</summary>
    /// <param name="userId">The id that names no user.</param>
    public UnknownUserException(string userId)
        : this([userId])
    {
    }

    /// <summary>Creates the exception for the unknown ids of a bulk assignment.</summary>
    /// <param name="userIds">The ids that name no user: at least one.</param>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    public UnknownUserException(IReadOnlyList<string> userIds)
        : base(Describe(userIds))
    {
        UserIds = [.. userIds];
    }

    /// <summary>Gets the first unknown user id (the only one for a single assignment).</summary>
    public string UserId => UserIds[0];

    /// <summary>Gets every unknown user id, in the order they were given.</summary>
    public IReadOnlyList<string> UserIds { get; }

    private static string Describe(IReadOnlyList<string> userIds)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        if (userIds.Count == 0)
        {
            throw new ArgumentException("At least one unknown user id is needed.", nameof(userIds));
        }

        if (userIds.Count == 1)
        {
            return $"User not found: no user has the id '{userIds[0]}'.";
        }

        var shown = string.Join(", ", userIds.Take(MaxIdsInMessage).Select(id => "'" + id + "'"));
        var more = userIds.Count > MaxIdsInMessage ? $" and {userIds.Count - MaxIdsInMessage} more" : string.Empty;
        return $"Users not found: {userIds.Count} ids name no user: {shown}{more}.";
    }
}
