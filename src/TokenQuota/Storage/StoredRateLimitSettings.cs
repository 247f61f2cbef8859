namespace TokenQuota.Storage;

/// <summary>
/// The rate-limit settings as a store holds them: each value is <see langword="null"/> until it is first stored, and
/// the core then uses the start-up option instead (see <see cref="RateLimitSettings"/>).
/// </summary>
/// <param name="Enabled">The stored <see cref="RateLimitSettings.Enabled"/>, or <see langword="null"/>.</param>
/// <param name="GlobalOverride">The stored <see cref="RateLimitSettings.GlobalOverride"/>, or <see langword="null"/>.</param>
public readonly record struct StoredRateLimitSettings(bool? Enabled, bool? GlobalOverride);
