namespace TokenQuota;

/// <summary>The bounds of paged queries.</summary>
public static class Paging
{
    /// <summary>The largest page size accepted.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when <paramref name="offset"/> is negative or <paramref name="limit"/> is not 1 to <see cref="MaxLimit"/>.</summary>
    /// <param name="offset">Items to skip.</param>
    /// <param name="limit">Page size.</param>
    public static void Validate(int offset, int limit)
    {
        if (offset < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "The page offset cannot be negative.");
        }

        if (limit < 1 || limit > MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"The page size must be 1 to {MaxLimit}.");
        }
    }
}
