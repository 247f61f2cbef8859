using Microsoft.Extensions.Options;

namespace TokenQuota;

/// <summary>Validates <see cref="TokenQuotaOptions"/> when the host starts (or on first use without a host).</summary>
internal sealed class TokenQuotaOptionsValidator : IValidateOptions<TokenQuotaOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenQuotaOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.FailureMode))
        {
            failures.Add($"TokenQuotaOptions.FailureMode has the undefined value {(int)options.FailureMode}.");
        }

        if (options.MaxCachedAssignments < 0)
        {
            failures.Add($"TokenQuotaOptions.MaxCachedAssignments must be 0 or more; got {options.MaxCachedAssignments}.");
        }

        var rates = options.RateLimits;
        AddIfNegative(failures, nameof(rates.DefaultPromptsPerHour), rates.DefaultPromptsPerHour);
        AddIfNegative(failures, nameof(rates.DefaultPromptsPerDay), rates.DefaultPromptsPerDay);
        AddIfNegative(failures, nameof(rates.DefaultConfigChangesPerHour), rates.DefaultConfigChangesPerHour);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void AddIfNegative(List<string> failures, string property, int value)
    {
        if (value < 0)
        {
            failures.Add($"TokenQuotaOptions.RateLimits.{property} must be 0 or more; got {value}.");
        }
    }
}
