using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TokenQuota.Storage;

namespace TokenQuota.Tests.TestSupport;

/// <summary>
/// Builds the services the way a host does: a FakeTimeProvider and a mocked IQuotaStore registered first, then
/// AddTokenQuotas(). The mock answers reads from the in-memory state below; writes are answered per test.
/// </summary>
internal sealed class QuotaHarness : IDisposable
{
    /// <summary>Mid-month, mid-hour: 2025-12-15 10:30:00 UTC.</summary>
    public static readonly DateTimeOffset DefaultNow = new(2025, 12, 15, 10, 30, 0, TimeSpan.Zero);

    public QuotaHarness(Action<TokenQuotaOptions>? configure = null, bool fakeLogging = false, DateTimeOffset? now = null)
    {
        Clock = new FakeTimeProvider(now ?? DefaultNow);
        Store = new Mock<IQuotaStore>(MockBehavior.Loose);
        Store.Setup(s => s.GetConfigurationVersionAsync(It.IsAny<CancellationToken>()))
            .Returns(() => new ValueTask<long>(Version));
        Store.Setup(s => s.GetProfilesAsync(It.IsAny<CancellationToken>()))
            .Returns(() => Task.FromResult<IReadOnlyList<ConsumptionProfile>>(Profiles.ToArray()));
        Store.Setup(s => s.GetModelPricesAsync(It.IsAny<CancellationToken>())).ReturnsAsync(Array.Empty<ModelPrice>());
        Store.Setup(s => s.GetTeamsAsync(It.IsAny<CancellationToken>())).ReturnsAsync(Array.Empty<QuotaTeam>());
        Store.Setup(s => s.GetRateLimitSettingsAsync(It.IsAny<CancellationToken>()))
            .Returns(() => Task.FromResult(StoredSettings));
        Store.Setup(s => s.GetAssignedProfileIdAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string user, CancellationToken _) => new ValueTask<long?>(Assignments.TryGetValue(user, out var id) ? id : null));
        Store.Setup(s => s.GetUsageAsync(It.IsAny<string>(), It.IsAny<QuotaPeriod>(), It.IsAny<CancellationToken>()))
            .Returns((string user, QuotaPeriod period, CancellationToken _) =>
                new ValueTask<TokenUsageTotals>((Usage.TryGetValue((user, period.Key), out var totals) ? totals : default) with { ConfigurationVersion = Version }));
        Store.Setup(s => s.AddUsageAsync(It.IsAny<string>(), It.IsAny<QuotaPeriod>(), It.IsAny<long>(), It.IsAny<long>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Returns((string user, QuotaPeriod period, long input, long output, DateTimeOffset _, CancellationToken _) =>
            {
                Usage.TryGetValue((user, period.Key), out var totals);
                totals = new TokenUsageTotals(totals.InputTokens + input, totals.OutputTokens + output);
                Usage[(user, period.Key)] = totals;
                return new ValueTask<bool>(true);
            });
        Store.Setup(s => s.TryChargeRateWindowsAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<RateWindowCharge>>(), It.IsAny<CancellationToken>()))
            .Returns((string _, IReadOnlyList<RateWindowCharge> windows, CancellationToken _) =>
            {
                var copy = windows.ToArray();
                ChargedWindows.Add(copy);
                // Like every store, the fake reports its configuration version with each charge and refuses, charging
                // nothing, a charge resolved against another version.
                if (copy.Any(w => w.ConfigurationVersion != Version))
                {
                    return new ValueTask<RateWindowChargeResult>(new RateWindowChargeResult(false, copy.Select(_ => 0).ToArray(), Version));
                }

                var (charged, counts) = RateAnswer(copy);
                return new ValueTask<RateWindowChargeResult>(new RateWindowChargeResult(charged, counts, Version));
            });

        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(Clock)
            .AddSingleton<IQuotaStore>(Store.Object);
        if (fakeLogging)
        {
            services.AddLogging(b => b.AddFakeLogging());
        }

        services.AddTokenQuotas(configure);
        Services = services.BuildServiceProvider();
    }

    public FakeTimeProvider Clock { get; }

    public Mock<IQuotaStore> Store { get; }

    public ServiceProvider Services { get; }

    public long Version { get; set; } = 1;

    /// <summary>The run-time rate-limit settings the store holds; none by default, so the options apply.</summary>
    public StoredRateLimitSettings StoredSettings { get; set; }

    public List<ConsumptionProfile> Profiles { get; } = [];

    public Dictionary<string, long> Assignments { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string User, string Period), TokenUsageTotals> Usage { get; } = [];

    /// <summary>Every window list passed to TryChargeRateWindowsAsync, in call order.</summary>
    public List<RateWindowCharge[]> ChargedWindows { get; } = [];

    /// <summary>
    /// How the store answers a rate charge of the current version (whether it charged, and each window's count); by
    /// default it charges and reports a count of 1 in each window.
    /// </summary>
    public Func<RateWindowCharge[], (bool Charged, int[] Counts)> RateAnswer { get; set; } =
        windows => (true, windows.Select(_ => 1).ToArray());

    public ITokenQuotaChecker Checker => Services.GetRequiredService<ITokenQuotaChecker>();

    public IRateLimitPolicy RateLimits => Services.GetRequiredService<IRateLimitPolicy>();

    public IConsumptionProfileManager Manager => Services.GetRequiredService<IConsumptionProfileManager>();

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    public QuotaHarness WithProfile(ConsumptionProfile profile)
    {
        Profiles.Add(profile);
        return this;
    }

    public QuotaHarness Assign(string userId, long profileId)
    {
        Assignments[userId] = profileId;
        return this;
    }

    public QuotaHarness WithUsage(string userId, long input, long output, string? period = null)
    {
        Usage[(userId, period ?? QuotaPeriod.FromInstant(Clock.GetUtcNow()).Key)] = new TokenUsageTotals(input, output);
        return this;
    }

    /// <summary>Verifies that no call wrote (or could write) anything to the store.</summary>
    public void VerifyNoWrites()
    {
        Store.Verify(s => s.AddUsageAsync(It.IsAny<string>(), It.IsAny<QuotaPeriod>(), It.IsAny<long>(), It.IsAny<long>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
        Store.Verify(s => s.TryChargeRateWindowsAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<RateWindowCharge>>(), It.IsAny<CancellationToken>()), Times.Never);
        Store.Verify(s => s.ExecuteAdminChangeAsync(It.IsAny<Func<IQuotaAdminSession, CancellationToken, Task<It.IsAnyType>>>(), It.IsAny<CancellationToken>()), Times.Never);
        Store.Verify(s => s.MigrateAsync(It.IsAny<CancellationToken>()), Times.Never);
    }

    public void Dispose() => Services.Dispose();
}
