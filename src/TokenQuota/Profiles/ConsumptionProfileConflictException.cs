namespace TokenQuota;

/// <summary>Another profile already has the name, ignoring case (HTTP hosts map it to 409).</summary>
public sealed class ConsumptionProfileConflictException : TokenQuotaException
{
    /// <summary>Creates the exception for a duplicate name.</summary>
    /// <param name="name">The name that is taken.</param>
    public ConsumptionProfileConflictException(string name)
        : base($"Profile with name \"{name}\" already exists")
    {
        Name = name;
    }

    /// <summary>Gets the name that is already taken.</summary>
    public string Name { get; }
}
