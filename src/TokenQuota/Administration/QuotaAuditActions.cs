namespace TokenQuota;

/// <summary>The action names written to the audit log.</summary>
public static class QuotaAuditActions
{
    /// <summary>A profile was created.</summary>
    public const string ProfileCreated = "profile.create";

    /// <summary>A profile was updated.</summary>
    public const string ProfileUpdated = "profile.update";

    /// <summary>A profile was deleted.</summary>
    public const string ProfileDeleted = "profile.delete";

    /// <summary>A profile was made the default.</summary>
    public const string DefaultSet = "profile.set_default";

    /// <summary>A user was assigned to a profile.</summary>
    public const string UserAssigned = "user.assign";

    /// <summary>A user's assignment was removed (back to the default).</summary>
    public const string UserUnassigned = "user.unassign";

    /// <summary>A profile was activated.</summary>
    public const string ProfileActivated = "profile.activate";

    /// <summary>A profile was deactivated.</summary>
    public const string ProfileDeactivated = "profile.deactivate";

    /// <summary>Many users were assigned (or unassigned) in one call.</summary>
    public const string UsersBulkAssigned = "user.bulk_assign";

    /// <summary>
    /// The maintenance step that assigns a profile to the users without one ran. The value keeps the name of the seed's
    /// step (Unlimited), so the entries written before the step was generalised, and filters on them, still match.
    /// </summary>
    public const string UnassignedUsersAssigned = "maintenance.assign_unlimited";

    /// <summary>An installation of the original consumption-profiles feature was imported (<c>tokenquota import-seed</c>).</summary>
    public const string SeedImported = "maintenance.import_seed";

    /// <summary>The run-time rate-limit settings were changed (target <c>rate_limit_settings</c>).</summary>
    public const string RateLimitSettingsUpdated = "settings.rate_limits";

    /// <summary>A model price was set (target <c>model_price:&lt;model&gt;</c>).</summary>
    public const string ModelPriceSet = "price.set";

    /// <summary>Many model prices were set in one call (target <c>model_prices</c>).</summary>
    public const string ModelPricesImported = "price.import";

    /// <summary>A model price was removed (target <c>model_price:&lt;model&gt;</c>).</summary>
    public const string ModelPriceRemoved = "price.remove";

    /// <summary>An organisation was created.</summary>
    public const string OrganisationCreated = "organisation.create";

    /// <summary>An organisation was renamed.</summary>
    public const string OrganisationRenamed = "organisation.rename";

    /// <summary>An organisation was given a profile, or had it taken away.</summary>
    public const string OrganisationProfileSet = "organisation.set_profile";

    /// <summary>An organisation was deleted.</summary>
    public const string OrganisationDeleted = "organisation.delete";

    /// <summary>A team was created.</summary>
    public const string TeamCreated = "team.create";

    /// <summary>A team was renamed.</summary>
    public const string TeamRenamed = "team.rename";

    /// <summary>A team was given a profile, or had it taken away.</summary>
    public const string TeamProfileSet = "team.set_profile";

    /// <summary>A team was moved into an organisation, or out of one.</summary>
    public const string TeamMoved = "team.move";

    /// <summary>A team was deleted.</summary>
    public const string TeamDeleted = "team.delete";

    /// <summary>A user joined a team.</summary>
    public const string TeamMemberAdded = "team.add_member";

    /// <summary>A user moved from one team to another.</summary>
    public const string TeamMemberMoved = "team.move_member";

    /// <summary>A user left a team.</summary>
    public const string TeamMemberRemoved = "team.remove_member";
}
