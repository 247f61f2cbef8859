namespace TokenQuota;

/// <summary>The result of <see cref="IConsumptionProfileManager.AssignProfileToUnassignedUsersAsync"/>.</summary>
/// <param name="ProfileId">The id of the profile the users without an assignment were given.</param>
/// <param name="UsersAssigned">How many users this run newly assigned to it (0 when run again).</param>
/// <param name="Profiles">Every profile after the run, default first, with its count of assigned users.</param>
public sealed record ProfileAssignmentSummary(long ProfileId, int UsersAssigned, IReadOnlyList<ConsumptionProfile> Profiles)
{
    /// <summary>
    /// Gets how many distinct users the registered <see cref="IUserDirectory"/> listed (each covered unless already
    /// assigned), or <see langword="null"/> when no directory is registered.
    /// </summary>
    public int? DirectoryUserCount { get; init; }
}
