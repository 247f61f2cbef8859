using TokenQuota.Storage;

namespace TokenQuota.Relational;

/// <summary>
/// The rate-limit settings as rows of the <c>tokenquota_state</c> table (integers 0 or 1, under the seed's key names),
/// shared by the SQL stores so the mapping is written once.
/// </summary>
internal sealed class RateLimitSettingsRow
{
    /// <summary>The key of <see cref="RateLimitSettings.Enabled"/>.</summary>
    public const string EnabledKey = "rate_limit_enabled";

    /// <summary>The key of <see cref="RateLimitSettings.GlobalOverride"/>.</summary>
    public const string GlobalOverrideKey = "rate_limit_global_override";

    public long? Enabled { get; set; }

    public long? GlobalOverride { get; set; }

    public StoredRateLimitSettings ToStored() => new(Enabled is { } e ? e != 0 : null, GlobalOverride is { } g ? g != 0 : null);

    /// <summary>The parameters <c>@enabled</c> and <c>@globalOverride</c> of the stores' upsert.</summary>
    public static object Parameters(RateLimitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new { enabled = settings.Enabled ? 1L : 0L, globalOverride = settings.GlobalOverride ? 1L : 0L };
    }
}
