namespace TokenQuota.Sqlite;

/// <summary>A row of <c>tokenquota_audit_log</c> (times are Unix ms).</summary>
internal sealed class AuditRow
{
    public long Id { get; set; }

    public long OccurredAt { get; set; }

    public string? Actor { get; set; }

    public string Action { get; set; } = string.Empty;

    public string Target { get; set; } = string.Empty;

    public string? Before { get; set; }

    public string? After { get; set; }

    public QuotaAuditEntry ToEntry() =>
        new(DateTimeOffset.FromUnixTimeMilliseconds(OccurredAt), Actor, Action, Target, Before, After) { Id = Id };
}
