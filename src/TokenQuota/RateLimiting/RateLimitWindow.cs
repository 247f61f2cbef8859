namespace TokenQuota;

/// <summary>The rate windows a profile limits.</summary>
public enum RateLimitWindow
{
    /// <summary>Prompts per clock hour (UTC).</summary>
    PromptsPerHour,

    /// <summary>Prompts per UTC day.</summary>
    PromptsPerDay,

    /// <summary>Configuration changes per clock hour (UTC).</summary>
    ConfigChangesPerHour,
}
