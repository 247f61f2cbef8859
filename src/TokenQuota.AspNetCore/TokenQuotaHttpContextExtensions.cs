using TokenQuota;
using TokenQuota.AspNetCore;

namespace Microsoft.AspNetCore.Http;

/// <summary>Reports actual token usage from inside an endpoint guarded by <c>RequireTokenQuota()</c>.</summary>
public static class TokenQuotaHttpContextExtensions
{
    /// <summary>Reports the tokens the call actually used; they are committed when the endpoint returns (see <see cref="ITokenQuotaFeature.ReportUsage"/>).</summary>
    /// <param name="context">The request's context.</param>
    /// <param name="inputTokens">The input tokens used (≥ 0).</param>
    /// <param name="outputTokens">The output tokens used (≥ 0).</param>
    /// <exception cref="InvalidOperationException">The endpoint is not guarded by <c>RequireTokenQuota()</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or above <see cref="TokenCounts.MaxPerCall"/>.</exception>
    public static void ReportTokenUsage(this HttpContext context, long inputTokens, long outputTokens)
    {
        ArgumentNullException.ThrowIfNull(context);
        var feature = context.Features.Get<ITokenQuotaFeature>()
            ?? throw new InvalidOperationException("This endpoint is not guarded by RequireTokenQuota(), so there is no reservation to report usage to.");
        feature.ReportUsage(inputTokens, outputTokens);
    }
}
