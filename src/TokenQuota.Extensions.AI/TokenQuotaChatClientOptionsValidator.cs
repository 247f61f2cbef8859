using Microsoft.Extensions.Options;

namespace TokenQuota.Extensions.AI;

/// <summary>
/// The rules of <see cref="TokenQuotaChatClientOptions"/>: an <see cref="IValidateOptions{TOptions}"/> for the options
/// system, and <see cref="ThrowIfInvalid"/> for options built directly (<c>UseTokenQuotas(configure)</c>, <c>new TokenQuotaChatClient(…)</c>).
/// </summary>
internal sealed class TokenQuotaChatClientOptionsValidator : IValidateOptions<TokenQuotaChatClientOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenQuotaChatClientOptions options) =>
        Failure(options) is { } failure ? ValidateOptionsResult.Fail(failure.Message) : ValidateOptionsResult.Success;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option when the options are invalid.</summary>
    public static void ThrowIfInvalid(TokenQuotaChatClientOptions options)
    {
        if (Failure(options) is { } failure)
        {
            throw failure;
        }
    }

    private static ArgumentException? Failure(TokenQuotaChatClientOptions options)
    {
        if (options.TokenEstimator is null)
        {
            return new ArgumentNullException(nameof(options.TokenEstimator));
        }

        if (options.DefaultMaxOutputTokens < 0)
        {
            return new ArgumentOutOfRangeException(nameof(options.DefaultMaxOutputTokens), options.DefaultMaxOutputTokens, $"{nameof(options.DefaultMaxOutputTokens)} ('{options.DefaultMaxOutputTokens}') must be a non-negative value.");
        }

        if (options.MinimumOutputTokens < 1)
        {
            return new ArgumentOutOfRangeException(nameof(options.MinimumOutputTokens), options.MinimumOutputTokens, $"{nameof(options.MinimumOutputTokens)} ('{options.MinimumOutputTokens}') must be greater than or equal to '1'.");
        }

        if (options.ReservationTtl <= TimeSpan.Zero || options.ReservationTtl > QuotaReservationOptions.MaxTtl)
        {
            return new ArgumentOutOfRangeException(nameof(options.ReservationTtl), options.ReservationTtl, "The reservation TTL must be more than zero and at most 24 hours.");
        }

        if (options.FallbackUserId is not null)
        {
            try
            {
                UserIds.Validate(options.FallbackUserId, nameof(options.FallbackUserId));
            }
            catch (ArgumentException ex)
            {
                return ex;
            }
        }

        return null;
    }
}
