namespace TokenQuota;

/// <summary>The rule that refused an administrative operation.</summary>
public enum ProfileRefusalReason
{
    /// <summary>The default profile cannot be deleted.</summary>
    DefaultProfileCannotBeDeleted,

    /// <summary>The default profile cannot be deactivated.</summary>
    DefaultProfileCannotBeDeactivated,

    /// <summary>Users are assigned to the profile and no profile to move them to was named.</summary>
    ProfileInUse,

    /// <summary>The profile is inactive, so it cannot be assigned or made the default.</summary>
    ProfileInactive,

    /// <summary>The profile named to receive users is the profile being deleted.</summary>
    InvalidReassignment,

    /// <summary>A profile the operation names (for example the one to assign to the users without one) does not exist.</summary>
    RequiredProfileMissing,
}
