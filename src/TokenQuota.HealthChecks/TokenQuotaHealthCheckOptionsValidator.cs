using Microsoft.Extensions.Options;

namespace TokenQuota.HealthChecks;

/// <summary>
/// The rules of <see cref="TokenQuotaHealthCheckOptions"/>: an <see cref="IValidateOptions{TOptions}"/> for the options
/// system, and <see cref="ThrowIfInvalid"/> for options built directly (<c>AddTokenQuotaHealthChecks(configure)</c>).
/// </summary>
internal sealed class TokenQuotaHealthCheckOptionsValidator : IValidateOptions<TokenQuotaHealthCheckOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenQuotaHealthCheckOptions options) =>
        Failure(options) is { } failure ? ValidateOptionsResult.Fail(failure.Message) : ValidateOptionsResult.Success;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option when the options are invalid.</summary>
    public static void ThrowIfInvalid(TokenQuotaHealthCheckOptions options)
    {
        if (Failure(options) is { } failure)
        {
            throw failure;
        }
    }

    private static ArgumentException? Failure(TokenQuotaHealthCheckOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Name))
        {
            return new ArgumentException("The TokenQuota health check needs a name.", nameof(options.Name));
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            return new ArgumentException($"The TokenQuota health check's timeout must be more than zero; it is {options.Timeout}.", nameof(options.Timeout));
        }

        return null;
    }
}
