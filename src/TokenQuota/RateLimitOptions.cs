namespace TokenQuota;

/// <summary>
/// Settings of the prompt and configuration-change rate limits, including the system defaults that apply
/// to users without a consumption profile.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>
    /// Gets or sets whether rate limits are enforced at all, in a database where no <see cref="RateLimitSettings"/>
    /// were ever stored. Defaults to <see langword="true"/>. Once an admin changes the settings at run time
    /// (<see cref="IConsumptionProfileManager.UpdateRateLimitSettingsAsync"/>), the database's value applies instead.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the emergency mode: when <see langword="true"/>, profile rate limits are ignored and the
    /// system defaults below apply to every user. Defaults to <see langword="false"/>. Like <see cref="Enabled"/>, this is
    /// the default for a database where no <see cref="RateLimitSettings"/> were ever stored.
    /// </summary>
    public bool GlobalOverride { get; set; }

    /// <summary>Gets or sets the prompts per hour for users without a profile (or everyone, under <see cref="GlobalOverride"/>). Defaults to 100.</summary>
    public int DefaultPromptsPerHour { get; set; } = 100;

    /// <summary>Gets or sets the prompts per day for users without a profile (or everyone, under <see cref="GlobalOverride"/>). Defaults to 1000.</summary>
    public int DefaultPromptsPerDay { get; set; } = 1000;

    /// <summary>Gets or sets the configuration changes per hour for users without a profile (or everyone, under <see cref="GlobalOverride"/>). Defaults to 10.</summary>
    public int DefaultConfigChangesPerHour { get; set; } = 10;
}
