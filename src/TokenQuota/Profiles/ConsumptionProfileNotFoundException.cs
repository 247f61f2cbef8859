namespace TokenQuota;

/// <summary>No consumption profile has the given id (HTTP hosts map it to 404).</summary>
public sealed class ConsumptionProfileNotFoundException : TokenQuotaException
{
    /// <summary>Creates the exception for an unknown profile id.</summary>
    /// <param name="profileId">The id that was not found.</param>
    public ConsumptionProfileNotFoundException(long profileId)
        : base($"Consumption profile {profileId} not found.")
    {
        ProfileId = profileId;
    }

    /// <summary>Gets the id that was not found.</summary>
    public long ProfileId { get; }
}
