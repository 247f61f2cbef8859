using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TokenQuota.PostgreSql.Tests;

/// <summary>The server is stopped mid-run and started again; the app recovers without restarting.</summary>
[NonParallelizable]
public class ServerFailureTests : PostgresTestDatabase
{
    [Test]
    public async Task StoppedServerFailsClosedWithTypedExceptionsOrOpenWithAWarningAndRecoversAfterRestart()
    {
        if (!PostgresServer.CanRestart)
        {
            Assert.Ignore("This test stops and restarts the server: it runs only on build/test.sh's throwaway cluster.");
        }

        var closed = BuildServices();
        var open = BuildOpenServices(out var logs);
        var closedChecker = closed.GetRequiredService<ITokenQuotaChecker>();
        var openChecker = open.GetRequiredService<ITokenQuotaChecker>();
        await closedChecker.RecordAsync("u", 100, 10);
        await openChecker.RecordAsync("u", 100, 10);
        var before = Snapshot();

        PostgresServer.Stop();
        try
        {
            var record = await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await closedChecker.RecordAsync("u", 5, 5));
            var check = await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await closedChecker.CheckAsync("u", 5, 5));
            var acquire = await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await closed.GetRequiredService<IRateLimitPolicy>().AcquirePromptAsync("u"));
            var openCheck = await openChecker.CheckAsync("u", 5, 5);
            var openAcquire = await open.GetRequiredService<IRateLimitPolicy>().AcquirePromptAsync("u");
            await openChecker.RecordAsync("u", 5, 5);

            Assert.Multiple(() =>
            {
                Assert.That(record!.Message, Does.Contain("record"));
                Assert.That(check!.InnerException, Is.Not.Null);
                Assert.That(acquire, Is.Not.Null);
                Assert.That(openCheck.IsAllowed && openCheck.FailedOpen, Is.True);
                Assert.That(openAcquire.IsAllowed && openAcquire.FailedOpen, Is.True);
                Assert.That(logs.GetSnapshot().Count(r => r.Level == LogLevel.Warning), Is.GreaterThanOrEqualTo(3));
                Assert.That(
                    logs.GetSnapshot().Count(r => r.Level == LogLevel.Warning && r.Id.Name == "StoreFailedOpen"),
                    Is.EqualTo(3),
                    "each failed-open call (check, acquire, record) logs one StoreFailedOpen warning");
            });
        }
        finally
        {
            PostgresServer.Start();
        }

        await closedChecker.RecordAsync("u", 1, 1);
        var status = await closedChecker.GetStatusAsync("u");
        var decision = await open.GetRequiredService<IRateLimitPolicy>().AcquirePromptAsync("u");

        Assert.Multiple(() =>
        {
            Assert.That(status.InputTokens.Used, Is.EqualTo(201), "nothing half-written while down; the app recovered without a restart");
            Assert.That(decision.IsAllowed && !decision.FailedOpen, Is.True);
            Assert.That(before["user_token_usage"], Has.Count.EqualTo(1));
        });
    }

    private ServiceProvider BuildOpenServices(out FakeLogCollector logs)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddLogging(b => b.AddFakeLogging());
        services.AddTokenQuotas(o => o.FailureMode = FailureMode.FailOpen).UsePostgreSql(ServerConnectionString, o => o.Schema = Schema);
        var provider = services.BuildServiceProvider();
        logs = provider.GetRequiredService<FakeLogCollector>();
        return provider;
    }
}
