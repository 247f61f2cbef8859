using Microsoft.Extensions.Options;

namespace TokenQuota.AspNetCore;

/// <summary>
/// The rules of <see cref="TokenQuotaAspNetCoreOptions"/>, registered by <c>ConfigureAspNetCore</c> with
/// <c>ValidateOnStart()</c>, so a misconfiguration stops the host at start instead of failing requests later.
/// </summary>
internal sealed class TokenQuotaAspNetCoreOptionsValidator : IValidateOptions<TokenQuotaAspNetCoreOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenQuotaAspNetCoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AdminPolicy is not null && string.IsNullOrWhiteSpace(options.AdminPolicy))
        {
            return ValidateOptionsResult.Fail($"{nameof(options.AdminPolicy)} is blank; leave it null to require the role {nameof(options.AdminRole)}, or name an authorization policy.");
        }

        if (options.AdminPolicy is null && string.IsNullOrWhiteSpace(options.AdminRole))
        {
            return ValidateOptionsResult.Fail($"{nameof(options.AdminRole)} is empty while {nameof(options.AdminPolicy)} is not set: the admin routes need a role or a policy.");
        }

        if (string.IsNullOrWhiteSpace(options.UserIdClaimType))
        {
            return ValidateOptionsResult.Fail($"{nameof(options.UserIdClaimType)} is empty: it names the claim that holds the caller's user id.");
        }

        if (options.MaxRequestBodySize < 1)
        {
            return ValidateOptionsResult.Fail($"{nameof(options.MaxRequestBodySize)} ('{options.MaxRequestBodySize}') must be at least 1 byte.");
        }

        if (options.ReservationTtl <= TimeSpan.Zero || options.ReservationTtl > QuotaReservationOptions.MaxTtl)
        {
            return ValidateOptionsResult.Fail($"{nameof(options.ReservationTtl)} ('{options.ReservationTtl}') must be more than zero and at most 24 hours.");
        }

        return ValidateOptionsResult.Success;
    }
}
