using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using TokenQuota.Storage;

namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// The database file removed or replaced under a running store. The store keeps long-lived connections, and SQLite in
/// WAL mode keeps acknowledging writes into a file that was unlinked, so without a check those writes would be lost
/// silently. The writer checks the file once per write transaction: the write fails (FailClosed: a typed exception),
/// and once the file is back the store reopens it by itself.
/// </summary>
/// <remarks>Self-contained (no shared base class), so it does not depend on the test helpers being moved between projects.</remarks>
public class RemovedDatabaseFileTests
{
    private string folder = null!;

    private string DbPath => Path.Combine(folder, "quota.db");

    [SetUp]
    public void CreateFolder()
    {
        folder = Path.Combine(Path.GetTempPath(), "tokenquota-removed-file-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
    }

    [TearDown]
    public void DeleteFolder()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task RecordFailsInsteadOfAcknowledgingAWriteIntoARemovedDirectory()
    {
        await using var provider = Build(FailureMode.FailClosed);
        var checker = provider.GetRequiredService<ITokenQuotaChecker>();
        await provider.GetRequiredService<IQuotaStore>().MigrateAsync();
        await checker.RecordAsync("user-1", 10, 5);
        await checker.CheckAsync("user-1", 1, 1);

        Directory.Delete(folder, recursive: true);

        var failure = await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await checker.RecordAsync("user-1", 7, 7));
        Assert.That(failure!.Message, Does.Contain("removed or replaced").And.Contain("record"));
        Assert.That(folder, Does.Not.Exist, "the store must not recreate the removed directory");

        // Concurrent writes (the group-commit path) fail too; none is acknowledged.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                await checker.RecordAsync("user-" + i, 1, 1);
                return "acknowledged";
            }
            catch (TokenQuotaStoreException)
            {
                return "failed";
            }
        })));
        Assert.That(outcomes, Is.All.EqualTo("failed"));
    }

    [Test]
    public async Task RecordFailsWhenTheFileIsReplacedAndTheStoreReopensTheNewFile()
    {
        await using var provider = Build(FailureMode.FailClosed);
        var checker = provider.GetRequiredService<ITokenQuotaChecker>();
        await provider.GetRequiredService<IQuotaStore>().MigrateAsync();
        await checker.RecordAsync("user-1", 10, 5);

        // An operator restores a copy of the database over the live file (rename over the path: a new inode).
        var copy = Path.Combine(folder, "restored.db");
        using (var source = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        using (var target = new SqliteConnection($"Data Source={copy};Pooling=False"))
        {
            source.Open();
            target.Open();
            source.BackupDatabase(target);
        }

        File.Move(copy, DbPath, overwrite: true);
        File.Delete(DbPath + "-wal");
        File.Delete(DbPath + "-shm");

        var failure = await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await checker.RecordAsync("user-1", 7, 7));
        Assert.That(failure!.Message, Does.Contain("removed or replaced"));

        // The file is back: the next write reopens it and lands in the file at the path.
        await checker.RecordAsync("user-1", 1, 2);
        Assert.That(InputTokensInFile("user-1"), Is.EqualTo(11), "10 before the replacement + 1 after it; the failed 7 is nowhere");
        var status = await checker.GetStatusAsync("user-1");
        Assert.That(status.InputTokens.Used, Is.EqualTo(11));
    }

    [Test]
    public async Task FailOpenAllowsTheCallButNothingIsClaimedWritten()
    {
        await using var provider = Build(FailureMode.FailOpen);
        var checker = provider.GetRequiredService<ITokenQuotaChecker>();
        await provider.GetRequiredService<IQuotaStore>().MigrateAsync();
        await checker.RecordAsync("user-1", 10, 5);

        Directory.Delete(folder, recursive: true);

        await Assert.DoesNotThrowAsync(async () => await checker.RecordAsync("user-1", 7, 7));
        var decision = await provider.GetRequiredService<IRateLimitPolicy>().AcquirePromptAsync("user-1");
        Assert.That(decision.FailedOpen, Is.True, "the prompt was let through because the store failed, not because it was counted");
    }

    private ServiceProvider Build(FailureMode mode)
    {
        var services = new ServiceCollection();
        services.AddTokenQuotas(o => o.FailureMode = mode).UseSqlite($"Data Source={DbPath}");
        return services.BuildServiceProvider();
    }

    private long InputTokensInFile(string userId)
    {
        using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(input_tokens_used), 0) FROM user_token_usage WHERE user_id = $u;";
        command.Parameters.AddWithValue("$u", userId);
        return (long)command.ExecuteScalar()!;
    }
}
