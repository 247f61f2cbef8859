namespace TokenQuota;

/// <summary>Runs a store call whose failure always surfaces (administration and reports never fail open).</summary>
internal static class StoreCall
{
    public static async Task<T> Run<T>(string operation, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (StoreFailureHandler.IsStoreFailure(ex))
        {
            throw StoreFailureHandler.Wrap(ex, operation);
        }
    }
}
