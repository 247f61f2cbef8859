using Microsoft.Extensions.DependencyInjection;
using TokenQuota.Storage;
using TokenQuota.Tests.TestSupport;

namespace TokenQuota.Tests;

public class UserIdValidationTests
{
    private QuotaHarness harness = null!;

    [SetUp]
    public void SetUp()
    {
        harness = new QuotaHarness();
        harness.WithProfile(Profiles.Make(1, "Free", isDefault: true));
    }

    [TearDown]
    public void TearDown() => harness.Dispose();

    /// <summary>Every public entry point that takes a user id, by name.</summary>
    private static readonly Dictionary<string, Func<QuotaHarness, string, Task>> Calls = new()
    {
        ["Check"] = (h, id) => h.Checker.CheckAsync(id, 1, 1).AsTask(),
        ["Record"] = (h, id) => h.Checker.RecordAsync(id, 1, 1).AsTask(),
        ["Status"] = (h, id) => h.Checker.GetStatusAsync(id),
        ["AcquirePrompt"] = (h, id) => h.RateLimits.AcquirePromptAsync(id).AsTask(),
        ["AcquireConfigChange"] = (h, id) => h.RateLimits.AcquireConfigChangeAsync(id).AsTask(),
        ["Assign"] = (h, id) => h.Manager.AssignAsync(id, 1),
        ["Unassign"] = (h, id) => h.Manager.AssignAsync(id, null),
        ["EffectiveProfile"] = (h, id) => h.Manager.GetEffectiveProfileAsync(id),
    };

    private static IEnumerable<string> EntryPoints() => Calls.Keys;

    private async Task<Exception?> Call(string entryPoint, string? userId)
    {
        try
        {
            await Calls[entryPoint](harness, userId!);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private void AssertStoreUntouched()
    {
        // Resolving the services reads nothing; a bad id must be refused before any store call.
        harness.Store.VerifyNoOtherCalls();
    }

    [TestCaseSource(nameof(EntryPoints))]
    public async Task NullUserIdThrowsArgumentNullExceptionNamingTheParameter(string entryPoint)
    {
        var error = await Call(entryPoint, null);

        Assert.That(error, Is.TypeOf<ArgumentNullException>());
        Assert.That(((ArgumentException)error!).ParamName, Is.EqualTo("userId"));
        AssertStoreUntouched();
    }

    private static readonly string[] BadIds =
    [
        string.Empty,
        " ",
        "   \t",
        new string('a', 129),
        "al\u0000ice",
        "bob\n",
        "\u007Fdel",
        "tab\there",
    ];

    [Test]
    public async Task BadUserIdsThrowArgumentExceptionNamingTheParameterAndTouchNothing(
        [ValueSource(nameof(EntryPoints))] string entryPoint,
        [ValueSource(nameof(BadIds))] string userId)
    {
        var error = await Call(entryPoint, userId);

        Assert.That(error, Is.TypeOf<ArgumentException>());
        Assert.That(((ArgumentException)error!).ParamName, Is.EqualTo("userId"));
        AssertStoreUntouched();
        harness.VerifyNoWrites();
    }

    [Test]
    public async Task LongestAndUnusualValidIdsAreAccepted()
    {
        string[] ids = [new string('a', 128), "a", "用户-🙂", "alice@example.com", " padded "];
        foreach (var id in ids)
        {
            var result = await harness.Checker.CheckAsync(id, 1, 1);
            Assert.That(result.IsAllowed, Is.True, id);
        }
    }

    [Test]
    public void UserIdsValidateReportsTheCallersParameterName()
    {
        string? customerId = "";

        var error = Assert.Throws<ArgumentException>(() => UserIds.Validate(customerId));

        Assert.That(error!.ParamName, Is.EqualTo("customerId"));
    }

    [TestCase(-1L, 0L, "inputTokens")]
    [TestCase(0L, -1L, "outputTokens")]
    [TestCase(long.MinValue, 0L, "inputTokens")]
    [TestCase(TokenCounts.MaxPerCall + 1, 0L, "inputTokens")]
    [TestCase(0L, long.MaxValue, "outputTokens")]
    public async Task BadTokenCountsOnCheckThrowArgumentOutOfRangeAndTouchNothing(long input, long output, string parameter)
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await harness.Checker.CheckAsync("alice", input, output));

        Assert.Multiple(() =>
        {
            Assert.That(error!.ParamName, Is.EqualTo(parameter));
            Assert.That(error.ActualValue, Is.EqualTo(parameter == "inputTokens" ? input : output));
        });
        harness.Store.VerifyNoOtherCalls();
    }

    [TestCase(-1L, 0L, "inputTokens")]
    [TestCase(0L, -1L, "outputTokens")]
    [TestCase(-5L, -5L, "inputTokens")]
    [TestCase(TokenCounts.MaxPerCall + 1, 1L, "inputTokens")]
    [TestCase(1L, TokenCounts.MaxPerCall + 1, "outputTokens")]
    public async Task BadTokenCountsOnRecordThrowArgumentOutOfRangeAndWriteNothing(long input, long output, string parameter)
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await harness.Checker.RecordAsync("alice", input, output));

        Assert.That(error!.ParamName, Is.EqualTo(parameter));
        harness.VerifyNoWrites();
        harness.Store.VerifyNoOtherCalls();
        Assert.That(harness.Usage, Is.Empty);
    }

    [Test]
    public async Task MaxPerCallIsAccepted()
    {
        await harness.Checker.RecordAsync("alice", TokenCounts.MaxPerCall, TokenCounts.MaxPerCall);

        Assert.That(harness.Usage[("alice", "2025-12")], Is.EqualTo(new TokenUsageTotals(TokenCounts.MaxPerCall, TokenCounts.MaxPerCall)));
    }

    [Test]
    public void ServicesResolveWithoutTouchingTheStore()
    {
        _ = harness.Services.GetRequiredService<ITokenQuotaChecker>();
        _ = harness.Services.GetRequiredService<IRateLimitPolicy>();
        _ = harness.Services.GetRequiredService<IConsumptionProfileManager>();

        harness.Store.VerifyNoOtherCalls();
    }
}
