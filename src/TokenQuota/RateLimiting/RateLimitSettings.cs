using System.Text.Json.Serialization;
using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>
/// The run-time rate-limit settings: the master switch and the emergency override. They are kept in the store, so a
/// change made by any process reaches every process at its next configuration-version read, without a restart.
/// Serializes to the seed's keys (<c>rate_limit_enabled</c>, <c>rate_limit_global_override</c>).
/// </summary>
/// <remarks>
/// A database in which no value was ever stored uses <see cref="RateLimitOptions.Enabled"/> and
/// <see cref="RateLimitOptions.GlobalOverride"/> of each process; the first change stores both values.
/// </remarks>
public sealed record RateLimitSettings
{
    /// <summary>Gets whether rate limits are enforced at all. When <see langword="false"/>, every attempt is admitted and nothing is counted.</summary>
    [JsonPropertyName("rate_limit_enabled")]
    public bool Enabled { get; init; }

    /// <summary>
    /// Gets the emergency mode: when <see langword="true"/>, profile rate limits are ignored and the system defaults
    /// (<see cref="RateLimitOptions.DefaultPromptsPerHour"/> and the others) apply to every user.
    /// </summary>
    [JsonPropertyName("rate_limit_global_override")]
    public bool GlobalOverride { get; init; }

    /// <summary>The settings of the start-up options, for a database that stores none.</summary>
    internal static RateLimitSettings From(RateLimitOptions options) => new() { Enabled = options.Enabled, GlobalOverride = options.GlobalOverride };

    /// <summary>The stored values where there are any, else the defaults (the start-up options).</summary>
    internal static RateLimitSettings From(StoredRateLimitSettings stored, RateLimitSettings defaults) => new()
    {
        Enabled = stored.Enabled ?? defaults.Enabled,
        GlobalOverride = stored.GlobalOverride ?? defaults.GlobalOverride,
    };
}
