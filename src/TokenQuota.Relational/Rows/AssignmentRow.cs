namespace TokenQuota.Relational;

/// <summary>A stored assignment in the flat shape SQL returns (times as Unix milliseconds), for store implementations.</summary>
internal sealed class AssignmentRow
{
    /// <summary>Gets or sets the user id.</summary>
    public string UserId { get; set; } = string.Empty;

    /// <summary>Gets or sets the profile id.</summary>
    public long ProfileId { get; set; }

    /// <summary>Gets or sets the assignment time in Unix milliseconds.</summary>
    public long AssignedAt { get; set; }

    /// <summary>Converts the row to the model.</summary>
    /// <returns>The assignment.</returns>
    public UserAssignment ToAssignment() => new(UserId, ProfileId, DateTimeOffset.FromUnixTimeMilliseconds(AssignedAt));
}
