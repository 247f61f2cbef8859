namespace TokenQuota;

/// <summary>
/// An administrative operation was refused by a rule, and nothing was changed: deleting or deactivating the default
/// profile, deleting a profile that users are assigned to, or assigning an inactive profile.
/// </summary>
public sealed class ConsumptionProfileOperationRefusedException : TokenQuotaException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Which rule refused.</param>
    /// <param name="message">The message, in the seed's wording where it had one.</param>
    /// <param name="assignedUserCount">For <see cref="ProfileRefusalReason.ProfileInUse"/>, how many users are assigned.</param>
    public ConsumptionProfileOperationRefusedException(ProfileRefusalReason reason, string message, long assignedUserCount = 0)
        : base(message)
    {
        Reason = reason;
        AssignedUserCount = assignedUserCount;
    }

    /// <summary>Gets which rule refused the operation.</summary>
    public ProfileRefusalReason Reason { get; }

    /// <summary>Gets how many users are assigned to the profile, for <see cref="ProfileRefusalReason.ProfileInUse"/>.</summary>
    public long AssignedUserCount { get; }
}
