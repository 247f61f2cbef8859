namespace TokenQuota;

/// <summary>A filter over the audit log; every set field must match. Results are newest first.</summary>
public sealed record QuotaAuditQuery
{
    /// <summary>Gets the earliest time included, or <see langword="null"/> for no lower bound.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Gets the time before which entries are included (exclusive), or <see langword="null"/> for no upper bound.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Gets the actor to match exactly, or <see langword="null"/> for any.</summary>
    public string? Actor { get; init; }

    /// <summary>Gets the action to match exactly (see <see cref="QuotaAuditActions"/>), or <see langword="null"/> for any.</summary>
    public string? Action { get; init; }

    /// <summary>Gets the target to match exactly (for example <c>profile:3</c> or <c>user:alice</c>), or <see langword="null"/> for any.</summary>
    public string? Target { get; init; }

    /// <summary>Gets how many matching entries to skip. Defaults to 0.</summary>
    public int Offset { get; init; }

    /// <summary>Gets the page size, 1 to <see cref="Paging.MaxLimit"/>. Defaults to 100.</summary>
    public int Limit { get; init; } = 100;
}
