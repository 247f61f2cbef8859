using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Moq;
using TokenQuota.Storage;
using TokenQuota.Tests.TestSupport;

namespace TokenQuota.Tests;

public class FailureModeTests
{
    private const string User = "alice";
    private QuotaHarness harness = null!;
    private MetricCollector<long> failures = null!;
    private InvalidOperationException storeError = null!;

    [SetUp]
    public void SetUp()
    {
        failures = new MetricCollector<long>(null, TokenQuotaDiagnostics.MeterName, TokenQuotaDiagnostics.StoreFailuresInstrument);
        storeError = new InvalidOperationException("database is locked");
    }

    [TearDown]
    public void TearDown()
    {
        harness.Dispose();
        failures.Dispose();
    }

    private void Build(FailureMode? mode)
    {
        harness = new QuotaHarness(mode is { } m ? o => o.FailureMode = m : null, fakeLogging: true);
        harness.WithProfile(Profiles.Make(1, "Free", input: 10, output: 10, isDefault: true));
        harness.Store.Setup(s => s.GetUsageAsync(It.IsAny<string>(), It.IsAny<QuotaPeriod>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(storeError);
        harness.Store.Setup(s => s.AddUsageAsync(It.IsAny<string>(), It.IsAny<QuotaPeriod>(), It.IsAny<long>(), It.IsAny<long>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(storeError);
        harness.Store.Setup(s => s.TryChargeRateWindowsAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<RateWindowCharge>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(storeError);
    }

    private void AssertOneFailureCounted(string operation, string mode)
    {
        var measurements = failures.GetMeasurementSnapshot();
        Assert.That(measurements, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(measurements[0].Value, Is.EqualTo(1));
            Assert.That(measurements[0].Tags["tokenquota.operation"], Is.EqualTo(operation));
            Assert.That(measurements[0].Tags["tokenquota.failure_mode"], Is.EqualTo(mode));
        });
    }

    [Test]
    public void FailClosedIsTheDefault()
    {
        Assert.That(new TokenQuotaOptions().FailureMode, Is.EqualTo(FailureMode.FailClosed));
    }

    [Test]
    public async Task FailClosedCheckThrowsTokenQuotaStoreExceptionWrappingTheStoresError()
    {
        Build(mode: null);

        var error = await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await harness.Checker.CheckAsync(User, 1, 1));

        Assert.Multiple(() =>
        {
            Assert.That(error!.InnerException, Is.SameAs(storeError));
            Assert.That(error.Message, Does.Contain("check").And.Contain("database is locked"));
        });
        AssertOneFailureCounted("check", "fail_closed");
        var logged = harness.Logs.GetSnapshot().Single(r => r.Exception is not null);
        Assert.Multiple(() =>
        {
            Assert.That(logged.Level, Is.EqualTo(LogLevel.Error));
            Assert.That(logged.Exception, Is.SameAs(storeError));
        });
    }

    [Test]
    public async Task FailClosedRecordThrows()
    {
        Build(FailureMode.FailClosed);

        var error = await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await harness.Checker.RecordAsync(User, 1, 1));

        Assert.That(error!.InnerException, Is.SameAs(storeError));
        AssertOneFailureCounted("record", "fail_closed");
    }

    [Test]
    public async Task FailClosedAcquirePromptThrows()
    {
        Build(FailureMode.FailClosed);

        var error = await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await harness.RateLimits.AcquirePromptAsync(User));

        Assert.That(error!.InnerException, Is.SameAs(storeError));
    }

    [Test]
    public async Task FailClosedAcquireConfigChangeThrows()
    {
        Build(FailureMode.FailClosed);

        var error = await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await harness.RateLimits.AcquireConfigChangeAsync(User));

        Assert.That(error!.InnerException, Is.SameAs(storeError));
    }

    [Test]
    public async Task FailClosedProfileResolutionFailureThrows()
    {
        Build(FailureMode.FailClosed);
        harness.Store.Setup(s => s.GetConfigurationVersionAsync(It.IsAny<CancellationToken>())).ThrowsAsync(storeError);

        var error = await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await harness.Checker.CheckAsync(User, 0, 0));

        Assert.That(error!.InnerException, Is.SameAs(storeError));
    }

    [Test]
    public async Task FailClosedAStoreExceptionIsNotWrappedTwice()
    {
        Build(FailureMode.FailClosed);
        var newerSchema = new TokenQuotaStoreException("The database was migrated by a newer TokenQuota.");
        harness.Store.Setup(s => s.GetUsageAsync(It.IsAny<string>(), It.IsAny<QuotaPeriod>(), It.IsAny<CancellationToken>())).ThrowsAsync(newerSchema);

        var error = await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await harness.Checker.CheckAsync(User, 0, 0));

        Assert.That(error, Is.SameAs(newerSchema));
    }

    [Test]
    public async Task FailOpenCheckAllowsLogsAWarningAndCountsTheFailure()
    {
        Build(FailureMode.FailOpen);

        var result = await harness.Checker.CheckAsync(User, 1_000, 2_000);

        Assert.Multiple(() =>
        {
            Assert.That(result.IsAllowed, Is.True);
            Assert.That(result.FailedOpen, Is.True);
            Assert.That(result.Message, Is.Empty);
            Assert.That(result.Period, Is.EqualTo(new QuotaPeriod(2025, 12)));
            Assert.That(result.Input.Requested, Is.EqualTo(1_000));
            Assert.That(result.Output.Requested, Is.EqualTo(2_000));
        });
        AssertOneFailureCounted("check", "fail_open");
        var warning = harness.Logs.GetSnapshot().Single(r => r.Level == LogLevel.Warning);
        Assert.Multiple(() =>
        {
            Assert.That(warning.Id.Id, Is.EqualTo(1001));
            Assert.That(warning.Exception, Is.SameAs(storeError));
            Assert.That(warning.Message, Does.Contain(User).And.Contain("FailOpen"));
        });
    }

    [Test]
    public async Task FailOpenRecordReturnsLogsAWarningAndCountsTheFailure()
    {
        Build(FailureMode.FailOpen);

        await harness.Checker.RecordAsync(User, 10, 20);

        AssertOneFailureCounted("record", "fail_open");
        Assert.That(harness.Logs.GetSnapshot().Count(r => r.Level == LogLevel.Warning && r.Exception == storeError), Is.EqualTo(1));
    }

    [Test]
    public async Task FailOpenAcquirePromptAllowsAndSaysSo()
    {
        Build(FailureMode.FailOpen);

        var decision = await harness.RateLimits.AcquirePromptAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsAllowed, Is.True);
            Assert.That(decision.FailedOpen, Is.True);
            Assert.That(decision.Window, Is.Null);
        });
        AssertOneFailureCounted("acquire prompt", "fail_open");
        Assert.That(harness.Logs.GetSnapshot().Count(r => r.Level == LogLevel.Warning), Is.EqualTo(1));
    }

    [Test]
    public async Task FailOpenAcquireConfigChangeAllowsAndSaysSo()
    {
        Build(FailureMode.FailOpen);

        var decision = await harness.RateLimits.AcquireConfigChangeAsync(User);

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsAllowed, Is.True);
            Assert.That(decision.FailedOpen, Is.True);
        });
        AssertOneFailureCounted("acquire config change", "fail_open");
    }

    [Test]
    public async Task FailOpenStatusStillThrows()
    {
        Build(FailureMode.FailOpen);

        var error = await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await harness.Checker.GetStatusAsync(User));

        Assert.That(error!.InnerException, Is.SameAs(storeError));
    }

    [Test]
    public async Task FailOpenAdministrationStillThrows()
    {
        Build(FailureMode.FailOpen);
        harness.Store.Setup(s => s.GetProfilesAsync(It.IsAny<CancellationToken>())).ThrowsAsync(storeError);
        harness.Store.Setup(s => s.ExecuteAdminChangeAsync(It.IsAny<Func<IQuotaAdminSession, CancellationToken, Task<It.IsAnyType>>>(), It.IsAny<CancellationToken>()))
            .Throws(storeError);

        var list = await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await harness.Manager.ListAsync());
        var assign = await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await harness.Manager.AssignAsync(User, 1));

        Assert.Multiple(() =>
        {
            Assert.That(list!.InnerException, Is.SameAs(storeError));
            Assert.That(assign!.InnerException, Is.SameAs(storeError));
        });
    }

    [Test]
    public async Task FailOpenDoesNotSwallowCancellation()
    {
        Build(FailureMode.FailOpen);
        harness.Store.Setup(s => s.GetUsageAsync(It.IsAny<string>(), It.IsAny<QuotaPeriod>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new OperationCanceledException());

        await Assert.ThatAsync(async () => await harness.Checker.CheckAsync(User, 1, 1), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(failures.GetMeasurementSnapshot(), Is.Empty);
    }

    [Test]
    public async Task FailOpenDoesNotSwallowAnOverflowRefusal()
    {
        Build(FailureMode.FailOpen);
        harness.Store.Setup(s => s.AddUsageAsync(It.IsAny<string>(), It.IsAny<QuotaPeriod>(), It.IsAny<long>(), It.IsAny<long>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Returns(new ValueTask<bool>(false));

        await Assert.ThatAsync(async () => await harness.Checker.RecordAsync(User, 1, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(failures.GetMeasurementSnapshot(), Is.Empty);
    }

    [Test]
    public async Task StoreThatWorksCountsNoFailure()
    {
        harness = new QuotaHarness(o => o.FailureMode = FailureMode.FailOpen);

        var result = await harness.Checker.CheckAsync(User, 1, 1);

        Assert.Multiple(() =>
        {
            Assert.That(result.FailedOpen, Is.False);
            Assert.That(failures.GetMeasurementSnapshot(), Is.Empty);
        });
    }
}
