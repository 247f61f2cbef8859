namespace TokenQuota;

/// <summary>The level of a subject whose limits a request meets (DESIGN §7, "Subject levels").</summary>
public enum QuotaSubjectLevel
{
    /// <summary>The user who makes the request: their assigned profile, else the default one.</summary>
    User,

    /// <summary>The team the user belongs to: the team's profile, shared by every member.</summary>
    Team,

    /// <summary>The organisation the user's team belongs to: the organisation's profile, shared by every team in it.</summary>
    Organisation,
}
