namespace TokenQuota.Relational;

/// <summary>A stored rate-window counter (one per user and window key).</summary>
internal sealed class RateWindowRow
{
    /// <summary>Gets or sets the window key.</summary>
    public string WindowKey { get; set; } = string.Empty;

    /// <summary>Gets or sets the window start in Unix seconds.</summary>
    public long WindowStart { get; set; }

    /// <summary>Gets or sets the count in that window.</summary>
    public long RequestCount { get; set; }
}
