namespace TokenQuota.Storage;

/// <summary>The outcome of <see cref="IQuotaStore.TryChargeRateWindowsAsync"/>.</summary>
/// <param name="Charged">Whether every window was charged one unit.</param>
/// <param name="Counts">Each window's count after the operation, in the order the windows were given.</param>
/// <param name="ConfigurationVersion">
/// The store's configuration version, read in the same transaction as the counts. A result whose version differs from
/// the <see cref="RateWindowCharge.ConfigurationVersion"/> of the request is a refusal for staleness: nothing was written.
/// </param>
public readonly record struct RateWindowChargeResult(bool Charged, IReadOnlyList<int> Counts, long ConfigurationVersion);
