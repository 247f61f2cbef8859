namespace TokenQuota;

/// <summary>The result of <see cref="IConsumptionProfileManager.AssignUnlimitedToExistingUsersAsync"/>.</summary>
/// <param name="UnlimitedProfileId">The id of the Unlimited profile, now the default.</param>
/// <param name="UsersAssigned">How many users were newly assigned to Unlimited by this run (0 when run again).</param>
/// <param name="Profiles">Every profile after the run, default first, with its count of assigned users.</param>
public sealed record AssignUnlimitedSummary(long UnlimitedProfileId, int UsersAssigned, IReadOnlyList<ConsumptionProfile> Profiles);
