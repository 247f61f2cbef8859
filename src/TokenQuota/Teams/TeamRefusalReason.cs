namespace TokenQuota;

/// <summary>Which rule refused a team or organisation operation (see <see cref="TeamOperationRefusedException"/>).</summary>
public enum TeamRefusalReason
{
    /// <summary>The team still has members: move or remove them first.</summary>
    TeamHasMembers,

    /// <summary>The organisation still has teams: move or delete them first.</summary>
    OrganisationHasTeams,

    /// <summary>The user already belongs to another team (a user is in at most one team): move them instead.</summary>
    UserInAnotherTeam,

    /// <summary>The user is not a member of the team named.</summary>
    NotAMember,

    /// <summary>The profile named for the team or organisation is inactive.</summary>
    ProfileInactive,
}
