namespace TokenQuota;

/// <summary>The outcome of <see cref="IQuotaStore.TryChargeRateWindowsAsync"/>.</summary>
/// <param name="Charged">Whether every window was charged one unit.</param>
/// <param name="Counts">Each window's count after the operation, in the order the windows were given.</param>
public readonly record struct RateWindowChargeResult(bool Charged, IReadOnlyList<int> Counts);
