using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using TokenQuota.Storage;

namespace TokenQuota.PostgreSql.Tests;

/// <summary>
/// Issue 20 "Health checks" against a real server: Unhealthy while the server is stopped and Healthy again after it
/// restarts (no app restart), and Unhealthy when the store does not answer within the check's timeout.
/// </summary>
[NonParallelizable]
public class HealthCheckServerTests : PostgresTestDatabase
{
    [Test]
    public async Task AStoppedServerIsUnhealthyAndHealthyAgainAfterItRestarts()
    {
        if (!PostgresServer.CanRestart)
        {
            Assert.Ignore("This test stops and restarts the server: it runs only on build/test.sh's throwaway cluster.");
        }

        var health = await StartWithHealthChecksAsync(TimeSpan.FromSeconds(5));
        var before = await health.CheckHealthAsync();

        HealthReport whileDown;
        PostgresServer.Stop();
        try
        {
            whileDown = await health.CheckHealthAsync();
        }
        finally
        {
            PostgresServer.Start();
        }

        var after = await health.CheckHealthAsync();
        Assert.Multiple(() =>
        {
            Assert.That(before.Status, Is.EqualTo(HealthStatus.Healthy));
            Assert.That(whileDown.Status, Is.EqualTo(HealthStatus.Unhealthy));
            Assert.That(whileDown.Entries["tokenquota"].Description, Does.StartWith("The postgresql quota store did not answer"));
            Assert.That(whileDown.Entries["tokenquota"].Exception, Is.InstanceOf<NpgsqlException>());
            Assert.That(after.Status, Is.EqualTo(HealthStatus.Healthy), after.Entries["tokenquota"].Description);
        });
    }

    [Test]
    public async Task AStoreThatDoesNotAnswerWithinTheTimeoutIsUnhealthy()
    {
        var health = await StartWithHealthChecksAsync(TimeSpan.FromMilliseconds(300));

        // Another session holds the schema version table locked, so the check's read waits past its timeout.
        await using var blocker = new NpgsqlConnection(ServerConnectionString);
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand($"LOCK TABLE {Schema}.tokenquota_schema_version IN ACCESS EXCLUSIVE MODE;", blocker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        var report = await health.CheckHealthAsync();
        started.Stop();
        await transaction.RollbackAsync();

        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(HealthStatus.Unhealthy));
            Assert.That(report.Entries["tokenquota"].Description, Does.Contain("timeout"));
            Assert.That(started.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "the check gave up at its timeout instead of waiting for the lock");
        });
    }

    private async Task<HealthCheckService> StartWithHealthChecksAsync(TimeSpan timeout)
    {
        var provider = BuildServices(
            null,
            s => s.AddLogging().AddHealthChecks().AddTokenQuotaHealthChecks(o => o.Timeout = timeout),
            b => b.UsePostgreSql(ServerConnectionString, o => o.Schema = Schema));
        await provider.GetRequiredService<IQuotaStore>().MigrateAsync();
        return provider.GetRequiredService<HealthCheckService>();
    }
}
