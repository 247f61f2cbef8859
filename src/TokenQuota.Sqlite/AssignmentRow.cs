namespace TokenQuota.Sqlite;

/// <summary>A row of <c>tokenquota_assignments</c> (times are Unix ms).</summary>
internal sealed class AssignmentRow
{
    public string UserId { get; set; } = string.Empty;

    public long ProfileId { get; set; }

    public long AssignedAt { get; set; }

    public UserAssignment ToAssignment() => new(UserId, ProfileId, DateTimeOffset.FromUnixTimeMilliseconds(AssignedAt));
}
