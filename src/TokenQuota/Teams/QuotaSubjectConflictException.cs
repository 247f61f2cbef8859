namespace TokenQuota;

/// <summary>Another team (or organisation) already has the name, ignoring case (HTTP hosts map it to 409).</summary>
public sealed class QuotaSubjectConflictException : TokenQuotaException
{
    /// <summary>Creates the exception for a duplicate name.</summary>
    /// <param name="level">Whether the name is a team's or an organisation's.</param>
    /// <param name="name">The name that is taken.</param>
    public QuotaSubjectConflictException(QuotaSubjectLevel level, string name)
        : base($"{SubjectNames.Label(level)} with name \"{name}\" already exists")
    {
        Level = level;
        Name = name;
    }

    /// <summary>Gets whether the name is a team's or an organisation's.</summary>
    public QuotaSubjectLevel Level { get; }

    /// <summary>Gets the name that is already taken.</summary>
    public string Name { get; }
}
