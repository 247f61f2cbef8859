using System.Globalization;
using Moq;
using TokenQuota.Storage;
using TokenQuota.Tests.TestSupport;

namespace TokenQuota.Tests;

public class TokenQuotaCheckerTests
{
    private const string User = "alice";
    private QuotaHarness harness = null!;

    [SetUp]
    public void SetUp()
    {
        harness = new QuotaHarness();
        harness.WithProfile(Profiles.Make(2, "Pro", input: 100_000, output: 50_000)).Assign(User, 2);
    }

    [TearDown]
    public void TearDown() => harness.Dispose();

    [Test]
    public async Task CheckLandingExactlyOnTheLimitIsAllowed()
    {
        harness.WithUsage(User, 99_500, 49_000);

        var result = await harness.Checker.CheckAsync(User, 500, 1_000);

        Assert.Multiple(() =>
        {
            Assert.That(result.IsAllowed, Is.True);
            Assert.That(result.DeniedDimension, Is.Null);
            Assert.That(result.Message, Is.Empty);
            Assert.That(result.Input.Remaining, Is.EqualTo(500));
            Assert.That(result.Output.Remaining, Is.EqualTo(1_000));
        });
    }

    [Test]
    public async Task CheckOneTokenOverTheInputLimitIsDeniedWithTheExactMessage()
    {
        harness.WithUsage(User, 99_500, 0);

        var result = await harness.Checker.CheckAsync(User, 501, 0);

        Assert.Multiple(() =>
        {
            Assert.That(result.IsAllowed, Is.False);
            Assert.That(result.DeniedDimension, Is.EqualTo(TokenDimension.Input));
            Assert.That(result.Message, Is.EqualTo("Input token quota exceeded. Limit: 100,000/month, Used: 99,500, Remaining: 500"));
        });
    }

    [Test]
    public async Task CheckOneTokenOverTheOutputLimitIsDeniedWithTheOutputMessage()
    {
        harness.WithUsage(User, 0, 49_999);

        var result = await harness.Checker.CheckAsync(User, 0, 2);

        Assert.Multiple(() =>
        {
            Assert.That(result.IsAllowed, Is.False);
            Assert.That(result.DeniedDimension, Is.EqualTo(TokenDimension.Output));
            Assert.That(result.Message, Is.EqualTo("Output token quota exceeded. Limit: 50,000/month, Used: 49,999, Remaining: 1"));
        });
    }

    [Test]
    public async Task CheckUsageAlreadyOverTheLimitReportsRemainingZero()
    {
        harness.WithUsage(User, 120_000, 0);

        var result = await harness.Checker.CheckAsync(User, 1, 0);

        Assert.Multiple(() =>
        {
            Assert.That(result.IsAllowed, Is.False);
            Assert.That(result.Input.Remaining, Is.Zero);
            Assert.That(result.Message, Is.EqualTo("Input token quota exceeded. Limit: 100,000/month, Used: 120,000, Remaining: 0"));
        });
    }

    [Test]
    public async Task CheckDenialMessageUsesTheInvariantCultureWhateverTheCurrentCulture()
    {
        harness.WithUsage(User, 1_234_567, 0);
        harness.Profiles[0] = harness.Profiles[0] with { InputTokensPerMonth = 1_234_567 };
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var result = await harness.Checker.CheckAsync(User, 1, 0);
            Assert.That(result.Message, Is.EqualTo("Input token quota exceeded. Limit: 1,234,567/month, Used: 1,234,567, Remaining: 0"));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Test]
    public async Task CheckLimitOfZeroAllowsZeroAndDeniesOne()
    {
        harness.Profiles[0] = harness.Profiles[0] with { InputTokensPerMonth = 0, OutputTokensPerMonth = 0 };

        var zero = await harness.Checker.CheckAsync(User, 0, 0);
        var oneInput = await harness.Checker.CheckAsync(User, 1, 0);
        var oneOutput = await harness.Checker.CheckAsync(User, 0, 1);

        Assert.Multiple(() =>
        {
            Assert.That(zero.IsAllowed, Is.True);
            Assert.That(oneInput.IsAllowed, Is.False);
            Assert.That(oneInput.DeniedDimension, Is.EqualTo(TokenDimension.Input));
            Assert.That(oneInput.Message, Is.EqualTo("Input token quota exceeded. Limit: 0/month, Used: 0, Remaining: 0"));
            Assert.That(oneOutput.IsAllowed, Is.False);
            Assert.That(oneOutput.DeniedDimension, Is.EqualTo(TokenDimension.Output));
        });
    }

    [Test]
    public async Task CheckNullLimitIsUnlimitedForThatDimensionOnly()
    {
        harness.Profiles[0] = harness.Profiles[0] with { InputTokensPerMonth = null, OutputTokensPerMonth = 1_000 };
        harness.WithUsage(User, 999_999_999_999, 1_000);

        var hugeInput = await harness.Checker.CheckAsync(User, TokenCounts.MaxPerCall, 0);
        var oneOutput = await harness.Checker.CheckAsync(User, TokenCounts.MaxPerCall, 1);

        Assert.Multiple(() =>
        {
            Assert.That(hugeInput.IsAllowed, Is.True);
            Assert.That(hugeInput.Input.Limit, Is.Null);
            Assert.That(hugeInput.Input.Remaining, Is.Null);
            Assert.That(hugeInput.Input.Allows, Is.True);
            Assert.That(oneOutput.IsAllowed, Is.False);
            Assert.That(oneOutput.DeniedDimension, Is.EqualTo(TokenDimension.Output));
        });
    }

    [Test]
    public async Task CheckBothDimensionsOverJudgesInputFirstButCarriesBothFigures()
    {
        harness.WithUsage(User, 99_000, 49_000);

        var result = await harness.Checker.CheckAsync(User, 2_000, 3_000);

        Assert.Multiple(() =>
        {
            Assert.That(result.IsAllowed, Is.False);
            Assert.That(result.DeniedDimension, Is.EqualTo(TokenDimension.Input));
            Assert.That(result.Message, Does.StartWith("Input token quota exceeded."));
            Assert.That(result.Input, Is.EqualTo(new TokenLimitFigures(100_000, 99_000, 2_000, 1_000)));
            Assert.That(result.Output, Is.EqualTo(new TokenLimitFigures(50_000, 49_000, 3_000, 1_000)));
            Assert.That(result.Output.Allows, Is.False);
        });
    }

    [Test]
    public async Task CheckAllowedCarriesBothDimensionsProfileAndPeriod()
    {
        harness.WithUsage(User, 10, 20);

        var result = await harness.Checker.CheckAsync(User, 30, 40);

        Assert.Multiple(() =>
        {
            Assert.That(result.IsAllowed, Is.True);
            Assert.That(result.FailedOpen, Is.False);
            Assert.That(result.ProfileId, Is.EqualTo(2));
            Assert.That(result.ProfileName, Is.EqualTo("Pro"));
            Assert.That(result.Period, Is.EqualTo(new QuotaPeriod(2025, 12)));
            Assert.That(result.Input, Is.EqualTo(new TokenLimitFigures(100_000, 10, 30, 99_990)));
            Assert.That(result.Output, Is.EqualTo(new TokenLimitFigures(50_000, 20, 40, 49_980)));
        });
    }

    [Test]
    public async Task CheckWithoutAnyProfileIsUnlimited()
    {
        harness.Profiles.Clear();
        harness.WithUsage(User, 5_000_000, 5_000_000);

        var result = await harness.Checker.CheckAsync(User, 1_000_000, 1_000_000);

        Assert.Multiple(() =>
        {
            Assert.That(result.IsAllowed, Is.True);
            Assert.That(result.ProfileId, Is.Null);
            Assert.That(result.ProfileName, Is.Null);
            Assert.That(result.Input, Is.EqualTo(new TokenLimitFigures(null, 5_000_000, 1_000_000, null)));
            Assert.That(result.Output, Is.EqualTo(new TokenLimitFigures(null, 5_000_000, 1_000_000, null)));
        });
    }

    [Test]
    public async Task CheckWritesNothing()
    {
        harness.WithUsage(User, 99_999, 0);

        await harness.Checker.CheckAsync(User, 1, 0);
        await harness.Checker.CheckAsync(User, 5, 0);

        harness.VerifyNoWrites();
        harness.Store.Verify(s => s.GetUsageAsync(User, new QuotaPeriod(2025, 12), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Test]
    public async Task RecordAddsUsageOnceWithThePeriodAndTimeOfTheClock()
    {
        harness.Clock.Advance(TimeSpan.FromMinutes(7));

        await harness.Checker.RecordAsync(User, 120, 45);

        harness.Store.Verify(
            s => s.AddUsageAsync(User, new QuotaPeriod(2025, 12), 120, 45, QuotaHarness.DefaultNow.AddMinutes(7), It.IsAny<CancellationToken>()),
            Times.Once);
        Assert.That(harness.Usage[(User, "2025-12")], Is.EqualTo(new TokenUsageTotals(120, 45)));
    }

    [Test]
    public async Task RecordIsNotRefusedWhenItCrossesTheLimit()
    {
        harness.WithUsage(User, 99_000, 0);

        await harness.Checker.RecordAsync(User, 5_000, 0);
        var after = await harness.Checker.CheckAsync(User, 0, 0);

        Assert.Multiple(() =>
        {
            Assert.That(harness.Usage[(User, "2025-12")].InputTokens, Is.EqualTo(104_000));
            Assert.That(after.Input.Used, Is.EqualTo(104_000));
            Assert.That(after.Input.Remaining, Is.Zero);
        });
    }

    [Test]
    public async Task RecordZeroAndZeroDoesNotTouchTheStore()
    {
        await harness.Checker.RecordAsync(User, 0, 0);

        harness.VerifyNoWrites();
    }

    [Test]
    public async Task RecordStoreReportsOverflowThrowsAndDoesNotFailOpen()
    {
        harness.Store
            .Setup(s => s.AddUsageAsync(User, It.IsAny<QuotaPeriod>(), It.IsAny<long>(), It.IsAny<long>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Returns(new ValueTask<bool>(false));

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await harness.Checker.RecordAsync(User, 10, 10));

        Assert.That(error!.Message, Does.Contain("overflow"));
    }

    [Test]
    public async Task CheckAlreadyCancelledThrowsWithoutTouchingTheStore()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThatAsync(
            async () => await harness.Checker.CheckAsync(User, 1, 1, cancelled.Token),
            Throws.InstanceOf<OperationCanceledException>());
        harness.Store.VerifyNoOtherCalls();
    }
}
