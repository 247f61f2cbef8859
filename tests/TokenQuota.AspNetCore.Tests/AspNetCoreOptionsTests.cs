using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TokenQuota.AspNetCore.Tests;

/// <summary>ConfigureAspNetCore validates its options when the host starts, naming the option at fault.</summary>
public sealed class AspNetCoreOptionsTests
{
    private static IEnumerable<TestCaseData> InvalidOptions()
    {
        yield return new TestCaseData((Action<TokenQuotaAspNetCoreOptions>)(o => o.AdminPolicy = " "), "AdminPolicy").SetName("ABlankAdminPolicyIsRefused");
        yield return new TestCaseData((Action<TokenQuotaAspNetCoreOptions>)(o => o.AdminRole = ""), "AdminRole").SetName("AnEmptyAdminRoleWithoutAPolicyIsRefused");
        yield return new TestCaseData((Action<TokenQuotaAspNetCoreOptions>)(o => o.UserIdClaimType = ""), "UserIdClaimType").SetName("AnEmptyUserIdClaimTypeIsRefused");
        yield return new TestCaseData((Action<TokenQuotaAspNetCoreOptions>)(o => o.MaxRequestBodySize = 0), "MaxRequestBodySize").SetName("ABodyLimitOfZeroBytesIsRefused");
        yield return new TestCaseData((Action<TokenQuotaAspNetCoreOptions>)(o => o.ReservationTtl = TimeSpan.Zero), "ReservationTtl").SetName("AZeroReservationTtlIsRefused");
        yield return new TestCaseData((Action<TokenQuotaAspNetCoreOptions>)(o => o.ReservationTtl = TimeSpan.FromHours(25)), "ReservationTtl").SetName("AReservationTtlOverADayIsRefused");
    }

    [TestCaseSource(nameof(InvalidOptions))]
    public void InvalidOptionsStopTheHostAtStartNamingTheOption(Action<TokenQuotaAspNetCoreOptions> configure, string option)
    {
        var services = new ServiceCollection();
        services.AddTokenQuotas().ConfigureAspNetCore(configure);
        using var provider = services.BuildServiceProvider();

        var startup = provider.GetRequiredService<IStartupValidator>();

        Assert.That(() => startup.Validate(), Throws.InstanceOf<OptionsValidationException>().With.Message.Contains(option));
    }

    [Test]
    public void APolicyWithoutARoleAndTheDefaultsAreAccepted()
    {
        var services = new ServiceCollection();
        services.AddTokenQuotas().ConfigureAspNetCore(o => (o.AdminPolicy, o.AdminRole) = ("ops", ""));
        services.AddTokenQuotas().ConfigureAspNetCore(_ => { });
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Multiple(() =>
        {
            Assert.That(provider.GetRequiredService<IOptions<TokenQuotaAspNetCoreOptions>>().Value.AdminPolicy, Is.EqualTo("ops"));
            Assert.That(services.Count(d => d.ServiceType == typeof(IValidateOptions<TokenQuotaAspNetCoreOptions>)), Is.EqualTo(1), "the validator is registered once");
        });
    }
}
