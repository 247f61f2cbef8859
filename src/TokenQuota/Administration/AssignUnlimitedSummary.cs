namespace TokenQuota;

/// <summary>The result of <see cref="IConsumptionProfileManager.AssignUnlimitedToExistingUsersAsync"/>.</summary>
/// <param name="UnlimitedProfileId">The id of the Unlimited profile, now the default.</param>
/// <param name="UsersAssigned">How many users were newly assigned to Unlimited by this run (0 when run again).</param>
/// <param name="Profiles">Every profile after the run, default first, with its count of assigned users.</param>
public sealed record AssignUnlimitedSummary(long UnlimitedProfileId, int UsersAssigned, IReadOnlyList<ConsumptionProfile> Profiles)
{
    /// <summary>
    /// Gets how many distinct users the registered <see cref="IUserDirectory"/> listed (each covered unless already
    /// assigned), or <see langword="null"/> when no directory is registered.
    /// </summary>
    public int? DirectoryUserCount { get; init; }
}
