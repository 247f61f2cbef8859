using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TokenQuota.Storage;
using TokenQuota.Tests.TestSupport;

namespace TokenQuota.Tests;

public class DependencyInjectionTests
{
    private static Mock<IQuotaStore> EmptyStore()
    {
        var store = new Mock<IQuotaStore>();
        store.Setup(s => s.GetConfigurationVersionAsync(It.IsAny<CancellationToken>())).Returns(new ValueTask<long>(1));
        store.Setup(s => s.GetProfilesAsync(It.IsAny<CancellationToken>())).ReturnsAsync(Array.Empty<ConsumptionProfile>());
        store.Setup(s => s.GetModelPricesAsync(It.IsAny<CancellationToken>())).ReturnsAsync(Array.Empty<ModelPrice>());
        store.Setup(s => s.GetTeamsAsync(It.IsAny<CancellationToken>())).ReturnsAsync(Array.Empty<QuotaTeam>());
        store.Setup(s => s.GetAssignedProfileIdAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns(new ValueTask<long?>((long?)null));
        store.Setup(s => s.GetUsageAsync(It.IsAny<string>(), It.IsAny<QuotaPeriod>(), It.IsAny<CancellationToken>())).Returns(new ValueTask<TokenUsageTotals>(default(TokenUsageTotals)));
        return store;
    }

    [Test]
    public async Task BareServiceCollectionWithoutLoggingResolvesAndWorks()
    {
        var store = EmptyStore();
        var services = new ServiceCollection().AddSingleton<IQuotaStore>(store.Object);
        services.AddTokenQuotas();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var checker = provider.GetRequiredService<ITokenQuotaChecker>();
        var policy = provider.GetRequiredService<IRateLimitPolicy>();
        var manager = provider.GetRequiredService<IConsumptionProfileManager>();
        var result = await checker.CheckAsync("alice", 10, 10);
        var profile = await manager.GetEffectiveProfileAsync("alice");

        Assert.Multiple(() =>
        {
            Assert.That(policy, Is.Not.Null);
            Assert.That(result.IsAllowed, Is.True);
            Assert.That(profile, Is.Null);
            Assert.That(provider.GetRequiredService<TimeProvider>(), Is.SameAs(TimeProvider.System));
        });
    }

    [Test]
    public void ServicesAreSingletons()
    {
        var services = new ServiceCollection().AddSingleton<IQuotaStore>(EmptyStore().Object);
        services.AddTokenQuotas();
        using var provider = services.BuildServiceProvider();

        var checker = provider.GetRequiredService<ITokenQuotaChecker>();
        var policy = provider.GetRequiredService<IRateLimitPolicy>();
        var manager = provider.GetRequiredService<IConsumptionProfileManager>();

        Assert.Multiple(() =>
        {
            Assert.That(provider.GetRequiredService<ITokenQuotaChecker>(), Is.SameAs(checker));
            Assert.That(provider.GetRequiredService<IRateLimitPolicy>(), Is.SameAs(policy));
            Assert.That(provider.GetRequiredService<IConsumptionProfileManager>(), Is.SameAs(manager));
        });
    }

    [Test]
    public void AddTokenQuotasReturnsABuilderOverTheSameCollection()
    {
        var services = new ServiceCollection();

        var builder = services.AddTokenQuotas();

        Assert.That(builder.Services, Is.SameAs(services));
    }

    [Test]
    public void AddTokenQuotasNullServicesThrows()
    {
        var error = Assert.Throws<ArgumentNullException>(() => TokenQuotaServiceCollectionExtensions.AddTokenQuotas(null!));

        Assert.That(error!.ParamName, Is.EqualTo("services"));
    }

    [Test]
    public void NoStoreResolvingTheCheckerThrowsAClearErrorMentioningUseSqlite()
    {
        var services = new ServiceCollection();
        services.AddTokenQuotas();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ITokenQuotaChecker>());

        Assert.That(error!.Message, Does.Contain("UseSqlite").And.Contain("store"));
    }

    [Test]
    public void NoStoreResolvingTheManagerThrowsTheSameClearError()
    {
        var services = new ServiceCollection();
        services.AddTokenQuotas();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IConsumptionProfileManager>());

        Assert.That(error!.Message, Does.Contain("UseSqlite"));
    }

    [Test]
    public void StoreRegisteredAfterAddTokenQuotasAlsoWins()
    {
        var store = EmptyStore();
        var services = new ServiceCollection();
        services.AddTokenQuotas();
        services.AddSingleton<IQuotaStore>(store.Object);
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IQuotaStore>(), Is.SameAs(store.Object));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task HostsOwnTimeProviderWins(bool registeredFirst)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 5, 20, 8, 0, 0, TimeSpan.Zero));
        var store = EmptyStore();
        var services = new ServiceCollection().AddSingleton<IQuotaStore>(store.Object);
        if (registeredFirst)
        {
            services.AddSingleton<TimeProvider>(clock);
        }

        services.AddTokenQuotas();
        if (!registeredFirst)
        {
            services.AddSingleton<TimeProvider>(clock);
        }

        using var provider = services.BuildServiceProvider();
        var result = await provider.GetRequiredService<ITokenQuotaChecker>().CheckAsync("alice", 1, 1);

        Assert.Multiple(() =>
        {
            Assert.That(provider.GetRequiredService<TimeProvider>(), Is.SameAs(clock));
            Assert.That(result.Period.Key, Is.EqualTo("2030-05"));
        });
        store.Verify(s => s.GetUsageAsync("alice", new QuotaPeriod(2030, 5), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public void HostsOwnCheckerWins()
    {
        var mine = Mock.Of<ITokenQuotaChecker>();
        var services = new ServiceCollection().AddSingleton(mine);
        services.AddTokenQuotas();
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<ITokenQuotaChecker>(), Is.SameAs(mine));
    }

    [Test]
    public void CallingAddTokenQuotasTwiceRegistersTheValidatorOnce()
    {
        var services = new ServiceCollection();
        services.AddTokenQuotas();
        services.AddTokenQuotas();

        Assert.Multiple(() =>
        {
            Assert.That(services.Count(d => d.ServiceType == typeof(IValidateOptions<TokenQuotaOptions>)), Is.EqualTo(1));
            Assert.That(services.Count(d => d.ServiceType == typeof(ITokenQuotaChecker)), Is.EqualTo(1));
        });
    }

    private static IEnumerable<TestCaseData> InvalidOptions()
    {
        yield return new TestCaseData((Action<TokenQuotaOptions>)(o => o.RateLimits.DefaultPromptsPerHour = -1), "DefaultPromptsPerHour").SetName("NegativeDefaultPromptsPerHour");
        yield return new TestCaseData((Action<TokenQuotaOptions>)(o => o.RateLimits.DefaultPromptsPerDay = -5), "DefaultPromptsPerDay").SetName("NegativeDefaultPromptsPerDay");
        yield return new TestCaseData((Action<TokenQuotaOptions>)(o => o.RateLimits.DefaultConfigChangesPerHour = -1), "DefaultConfigChangesPerHour").SetName("NegativeDefaultConfigChangesPerHour");
        yield return new TestCaseData((Action<TokenQuotaOptions>)(o => o.MaxCachedAssignments = -1), "MaxCachedAssignments").SetName("NegativeMaxCachedAssignments");
        yield return new TestCaseData((Action<TokenQuotaOptions>)(o => o.FailureMode = (FailureMode)42), "FailureMode").SetName("UndefinedFailureMode");
        yield return new TestCaseData((Action<TokenQuotaOptions>)(o => o.Currency = "XYZ"), "Currency").SetName("UnknownCurrency");
        yield return new TestCaseData((Action<TokenQuotaOptions>)(o => o.UnpricedModels = (UnpricedModelPolicy)9), "UnpricedModels").SetName("UndefinedUnpricedModels");
        yield return new TestCaseData((Action<TokenQuotaOptions>)(o => o.FallbackInputPricePerMillion = 0.0000001m), "FallbackInputPricePerMillion").SetName("FallbackPriceWithSevenDecimals");
        yield return new TestCaseData((Action<TokenQuotaOptions>)(o => o.FallbackOutputPricePerMillion = -1m), "FallbackOutputPricePerMillion").SetName("NegativeFallbackPrice");
    }

    [TestCaseSource(nameof(InvalidOptions))]
    public void InvalidOptionsThrowOptionsValidationExceptionWhenAServiceIsResolved(Action<TokenQuotaOptions> configure, string property)
    {
        var store = new Mock<IQuotaStore>();
        var services = new ServiceCollection().AddSingleton<IQuotaStore>(store.Object);
        services.AddTokenQuotas(configure);
        using var provider = services.BuildServiceProvider();

        var checker = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ITokenQuotaChecker>());
        var policy = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IRateLimitPolicy>());
        var manager = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IConsumptionProfileManager>());

        Assert.Multiple(() =>
        {
            Assert.That(checker!.Message, Does.Contain(property));
            Assert.That(policy!.Message, Does.Contain(property));
            Assert.That(manager!.Message, Does.Contain(property));
        });
        store.VerifyNoOtherCalls();
    }

    [Test]
    public async Task InvalidOptionsAreValidatedOnStart()
    {
        var services = new ServiceCollection();
        services.AddTokenQuotas(o => o.RateLimits.DefaultPromptsPerHour = -1);
        using var provider = services.BuildServiceProvider();

        var validator = provider.GetRequiredService<IAsyncStartupValidator>();

        await Assert.ThatAsync(
            async () => await validator.ValidateAsync(CancellationToken.None),
            Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("DefaultPromptsPerHour"));
    }

    [Test]
    public void ZeroDefaultsAreValid()
    {
        var services = new ServiceCollection().AddSingleton<IQuotaStore>(EmptyStore().Object);
        services.AddTokenQuotas(o =>
        {
            o.RateLimits.DefaultPromptsPerHour = 0;
            o.RateLimits.DefaultPromptsPerDay = 0;
            o.RateLimits.DefaultConfigChangesPerHour = 0;
            o.MaxCachedAssignments = 0;
        });
        using var provider = services.BuildServiceProvider();

        Assert.That(() => provider.GetRequiredService<IRateLimitPolicy>(), Throws.Nothing);
    }

    [Test]
    public async Task WithoutMeterFactoryTheLibraryPublishesOnAMeterNamedTokenQuota()
    {
        using var checks = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(
            null, TokenQuotaDiagnostics.MeterName, TokenQuotaDiagnostics.ChecksInstrument);
        using var harness = new QuotaHarness();
        harness.WithProfile(Profiles.Make(1, "Free", input: 5, isDefault: true));

        await harness.Checker.CheckAsync("alice", 1, 0);
        await harness.Checker.CheckAsync("alice", 6, 0);

        var results = checks.GetMeasurementSnapshot().Select(m => m.Tags["tokenquota.result"]).ToArray();
        Assert.That(results, Is.EqualTo(new object[] { "allowed", "denied" }));
    }
}
