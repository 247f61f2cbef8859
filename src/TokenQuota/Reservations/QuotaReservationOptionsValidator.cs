using Microsoft.Extensions.Options;

namespace TokenQuota;

/// <summary>
/// The rules of <see cref="QuotaReservationOptions"/>: an <see cref="IValidateOptions{TOptions}"/> for the options
/// system, and <see cref="ThrowIfInvalid"/> for the options passed to <see cref="ITokenQuotaChecker.ReserveAsync"/>
/// (reported against that parameter, <c>options</c>).
/// </summary>
internal sealed class QuotaReservationOptionsValidator : IValidateOptions<QuotaReservationOptions>
{
    public ValidateOptionsResult Validate(string? name, QuotaReservationOptions options) =>
        Failure(options) is { } failure ? ValidateOptionsResult.Fail(failure.Message) : ValidateOptionsResult.Success;

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when the options are invalid.</summary>
    public static void ThrowIfInvalid(QuotaReservationOptions options)
    {
        if (Failure(options) is { } failure)
        {
            throw failure;
        }
    }

    private static ArgumentException? Failure(QuotaReservationOptions options)
    {
        if (options.Ttl <= TimeSpan.Zero || options.Ttl > QuotaReservationOptions.MaxTtl)
        {
            return new ArgumentOutOfRangeException(nameof(options), options.Ttl, $"The reservation TTL must be more than zero and at most {QuotaReservationOptions.MaxTtl.TotalHours:N0} hours.");
        }

        if (options.RequestId is { } id && (string.IsNullOrWhiteSpace(id) || id.Length > 128 || id.Any(char.IsControl)))
        {
            return new ArgumentException("The request id must be 1 to 128 visible characters.", nameof(options));
        }

        if (options.ModelId is { } model)
        {
            try
            {
                ModelIds.Validate(model, nameof(options));
            }
            catch (ArgumentException ex)
            {
                return ex;
            }
        }

        return null;
    }
}
