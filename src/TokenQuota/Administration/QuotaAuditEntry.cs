namespace TokenQuota;

/// <summary>One entry of the audit log, written in the same transaction as the change it describes.</summary>
/// <param name="OccurredAt">When the change happened (UTC).</param>
/// <param name="Actor">Who made the change, as given by the caller; may be <see langword="null"/>.</param>
/// <param name="Action">The action, for example <c>profile.create</c>; see <see cref="QuotaAuditActions"/>.</param>
/// <param name="Target">What changed, for example <c>profile:3</c> or <c>user:alice</c>.</param>
/// <param name="Before">The state before, as JSON; <see langword="null"/> when there was none.</param>
/// <param name="After">The state after, as JSON; <see langword="null"/> when there is none.</param>
public sealed record QuotaAuditEntry(DateTimeOffset OccurredAt, string? Actor, string Action, string Target, string? Before, string? After)
{
    /// <summary>Gets the entry's id in the audit log; 0 for an entry not yet written.</summary>
    public long Id { get; init; }
}
