namespace TokenQuota.AspNetCore;

/// <summary>
/// Implemented by the value an endpoint guarded by <c>RequireTokenQuota()</c> returns (directly, or inside a typed
/// result such as <c>TypedResults.Ok(value)</c>) to report the tokens the call actually used. The filter commits
/// these instead of the estimate.
/// </summary>
public interface ITokenUsageReport
{
    /// <summary>Gets the input tokens the call actually used.</summary>
    long InputTokens { get; }

    /// <summary>Gets the output tokens the call actually produced.</summary>
    long OutputTokens { get; }
}
