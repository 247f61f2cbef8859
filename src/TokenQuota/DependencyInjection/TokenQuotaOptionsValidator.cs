using Microsoft.Extensions.Options;

namespace TokenQuota;

/// <summary>
/// The rules of <see cref="TokenQuotaOptions"/>: an <see cref="IValidateOptions{TOptions}"/> registered by
/// <c>AddTokenQuotas()</c> with <c>ValidateOnStart()</c>, and <see cref="ThrowIfInvalid"/> for options built directly.
/// </summary>
internal sealed class TokenQuotaOptionsValidator : IValidateOptions<TokenQuotaOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenQuotaOptions options)
    {
        var failures = Failures(options).Select(f => f.Message).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    public static void ThrowIfInvalid(TokenQuotaOptions options)
    {
        if (Failures(options).FirstOrDefault() is { } failure)
        {
            throw failure;
        }
    }

    private static IEnumerable<ArgumentException> Failures(TokenQuotaOptions options)
    {
        if (!Enum.IsDefined(options.FailureMode))
        {
            yield return Invalid(nameof(options.FailureMode), $"TokenQuotaOptions.FailureMode has the undefined value {(int)options.FailureMode}.");
        }

        if (options.MaxCachedAssignments < 0)
        {
            yield return Invalid(nameof(options.MaxCachedAssignments), $"TokenQuotaOptions.MaxCachedAssignments must be 0 or more; got {options.MaxCachedAssignments}.");
        }

        if (!CurrencyCodes.IsKnown(options.Currency))
        {
            yield return Invalid(nameof(options.Currency), $"TokenQuotaOptions.Currency must be an ISO 4217 currency code such as USD or EUR; got '{options.Currency}'.");
        }

        if (!Enum.IsDefined(options.UnpricedModels))
        {
            yield return Invalid(nameof(options.UnpricedModels), $"TokenQuotaOptions.UnpricedModels has the undefined value {(int)options.UnpricedModels}.");
        }

        foreach (var (property, price) in new[]
        {
            (nameof(options.FallbackInputPricePerMillion), options.FallbackInputPricePerMillion),
            (nameof(options.FallbackOutputPricePerMillion), options.FallbackOutputPricePerMillion),
        })
        {
            if (price < 0 || !Money.TryToNanoUnits(price, Money.MaxPriceDecimals, out _, out _))
            {
                yield return Invalid(property, $"TokenQuotaOptions.{property} must be a price of 0 or more with at most {Money.MaxPriceDecimals} decimals; got {price}.");
            }
        }

        var rates = options.RateLimits;
        foreach (var (property, value) in new[]
        {
            (nameof(rates.DefaultPromptsPerHour), rates.DefaultPromptsPerHour),
            (nameof(rates.DefaultPromptsPerDay), rates.DefaultPromptsPerDay),
            (nameof(rates.DefaultConfigChangesPerHour), rates.DefaultConfigChangesPerHour),
        })
        {
            if (value < 0)
            {
                yield return Invalid($"RateLimits.{property}", $"TokenQuotaOptions.RateLimits.{property} must be 0 or more; got {value}.");
            }
        }
    }

    // The message already names the option and its value; the parameter name lets a direct caller tell which.
    private static ArgumentOutOfRangeException Invalid(string option, string message) => new(option, message);
}
