namespace TokenQuota.Relational;

/// <summary>A stored audit entry in the flat shape SQL returns (times as Unix milliseconds), for store implementations.</summary>
internal sealed class AuditRow
{
    /// <summary>Gets or sets the id.</summary>
    public long Id { get; set; }

    /// <summary>Gets or sets the time in Unix milliseconds.</summary>
    public long OccurredAt { get; set; }

    /// <summary>Gets or sets the actor.</summary>
    public string? Actor { get; set; }

    /// <summary>Gets or sets the action.</summary>
    public string Action { get; set; } = string.Empty;

    /// <summary>Gets or sets the target.</summary>
    public string Target { get; set; } = string.Empty;

    /// <summary>Gets or sets the state before, as JSON.</summary>
    public string? Before { get; set; }

    /// <summary>Gets or sets the state after, as JSON.</summary>
    public string? After { get; set; }

    /// <summary>Converts the row to the model.</summary>
    /// <returns>The entry.</returns>
    public QuotaAuditEntry ToEntry() =>
        new(DateTimeOffset.FromUnixTimeMilliseconds(OccurredAt), Actor, Action, Target, Before, After) { Id = Id };
}
