namespace TokenQuota;

/// <summary>A partial change of the <see cref="RateLimitSettings"/>: only the values that are set change.</summary>
public sealed record RateLimitSettingsUpdate
{
    /// <summary>Gets whether rate limits are enforced, or <see langword="null"/> to keep the current value.</summary>
    public bool? Enabled { get; init; }

    /// <summary>Gets whether the emergency override is on, or <see langword="null"/> to keep the current value.</summary>
    public bool? GlobalOverride { get; init; }
}
