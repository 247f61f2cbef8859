namespace TokenQuota;

/// <summary>What applies to a request by one user: the user's profile and the shared levels above the user.</summary>
/// <param name="Profile">The user's profile (assigned, else the default), or <see langword="null"/> for none.</param>
/// <param name="Shared">The user's team and its organisation, in that order; empty when the user is in no team.</param>
internal sealed record ResolvedSubjects(ConsumptionProfile? Profile, IReadOnlyList<SharedLevel> Shared)
{
    /// <summary>Nothing beyond the standard limits: no extra limits and no teams in the configuration.</summary>
    public static ResolvedSubjects None { get; } = new(null, []);
}
