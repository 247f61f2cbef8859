using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenQuota.Storage;

namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// DESIGN §3 "Failures are never silent", against really broken SQLite stores: FailClosed surfaces a
/// <see cref="TokenQuotaStoreException"/>; FailOpen allows the call, says so (<c>FailedOpen</c>) and logs a warning.
/// </summary>
/// <remarks>
/// A file made read-only with chmod does not stop root (the tests may run as root), so the read-only fault opens the
/// file with <c>Mode=ReadOnly</c> instead; the other faults are a file of random bytes and a path inside a folder that
/// does not exist.
/// </remarks>
public class FailureModeTests : SqliteTestDatabase
{
    public enum Fault
    {
        CorruptFile,
        MissingDirectory,
    }

    [TestCase(Fault.CorruptFile)]
    [TestCase(Fault.MissingDirectory)]
    public async Task FailClosedSurfacesEveryStoreFailureAsTokenQuotaStoreException(Fault fault)
    {
        var connectionString = Break(fault);
        var provider = BuildServices(o => o.FailureMode = FailureMode.FailClosed, connectionString);
        var checker = provider.GetRequiredService<ITokenQuotaChecker>();
        var rates = provider.GetRequiredService<IRateLimitPolicy>();
        var profiles = provider.GetRequiredService<IConsumptionProfileManager>();

        var check = await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await checker.CheckAsync("user-1", 1, 1));
        await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await checker.RecordAsync("user-1", 1, 1));
        await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await checker.GetStatusAsync("user-1"));
        await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await rates.AcquirePromptAsync("user-1"));
        await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await rates.AcquireConfigChangeAsync("user-1"));
        await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await profiles.ListAsync());
        await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await profiles.AssignAsync("user-1", 1));

        // The store itself throws its own exception; the core services above wrap it.
        await Assert.ThrowsAsync<SqliteException>(async () => await provider.GetRequiredService<IQuotaStore>().MigrateAsync());

        Assert.That(check!.InnerException, Is.InstanceOf<SqliteException>());
        AssertStillBroken(fault);
    }

    [TestCase(Fault.CorruptFile)]
    [TestCase(Fault.MissingDirectory)]
    public async Task FailOpenAllowsTheCallSaysSoAndLogsAWarning(Fault fault)
    {
        var connectionString = Break(fault);
        var logs = new CollectingLoggerProvider();
        var provider = BuildServices(o => o.FailureMode = FailureMode.FailOpen, connectionString, services: s => s.AddLogging(b => b.AddProvider(logs)));
        var checker = provider.GetRequiredService<ITokenQuotaChecker>();
        var rates = provider.GetRequiredService<IRateLimitPolicy>();

        var check = await checker.CheckAsync("user-1", 1_000_000_000, 5);
        await checker.RecordAsync("user-1", 1, 1);
        var prompt = await rates.AcquirePromptAsync("user-1");
        var config = await rates.AcquireConfigChangeAsync("user-1");

        Assert.Multiple(() =>
        {
            Assert.That(check.IsAllowed, Is.True);
            Assert.That(check.FailedOpen, Is.True);
            Assert.That(check.Message, Is.Empty);
            Assert.That(check.Input.Requested, Is.EqualTo(1_000_000_000));
            Assert.That(check.Output.Requested, Is.EqualTo(5));
            Assert.That(prompt.IsAllowed, Is.True);
            Assert.That(prompt.FailedOpen, Is.True);
            Assert.That(config.IsAllowed, Is.True);
            Assert.That(config.FailedOpen, Is.True);
            Assert.That(logs.Entries.Count(e => e.Level == LogLevel.Warning && e.EventName == "StoreFailedOpen"), Is.EqualTo(4));
            Assert.That(logs.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Exception), Is.All.Not.Null);
        });

        // Status and administration cannot "allow" anything: they still fail loudly.
        await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await checker.GetStatusAsync("user-1"));
        await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await provider.GetRequiredService<IConsumptionProfileManager>().ListAsync());
        AssertStillBroken(fault);
    }

    [TestCase(FailureMode.FailClosed)]
    [TestCase(FailureMode.FailOpen)]
    public async Task AReadOnlyDatabaseRefusesWrites(FailureMode mode)
    {
        var healthy = await StartAsync();
        await healthy.Checker.RecordAsync("user-1", 10, 10);
        await healthy.Provider.DisposeAsync();
        SqliteConnection.ClearAllPools();
        var before = Snapshot();

        var provider = BuildServices(o => o.FailureMode = mode, $"Data Source={DbPath};Mode=ReadOnly");
        var checker = provider.GetRequiredService<ITokenQuotaChecker>();
        var rates = provider.GetRequiredService<IRateLimitPolicy>();

        if (mode == FailureMode.FailClosed)
        {
            var record = await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await checker.RecordAsync("user-1", 1, 1));
            await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await rates.AcquirePromptAsync("user-1"));
            Assert.That(record!.InnerException, Is.InstanceOf<SqliteException>());
        }
        else
        {
            await checker.RecordAsync("user-1", 1, 1);
            var prompt = await rates.AcquirePromptAsync("user-1");
            Assert.That(prompt is { IsAllowed: true, FailedOpen: true }, Is.True);
        }

        SqliteConnection.ClearAllPools();
        Assert.That(Snapshot(), Is.EqualTo(before));
    }

    [TestCase(FailureMode.FailClosed)]
    [TestCase(FailureMode.FailOpen)]
    public async Task ADatabaseLockedPastTheBusyTimeoutFailsAccordingToTheMode(FailureMode mode)
    {
        await (await StartAsync()).Provider.DisposeAsync();
        var provider = BuildServices(o => o.FailureMode = mode, store: s => s.BusyTimeout = TimeSpan.FromMilliseconds(100));
        var checker = provider.GetRequiredService<ITokenQuotaChecker>();
        await provider.GetRequiredService<IQuotaStore>().MigrateAsync();

        using var locker = OpenRaw();
        using (var begin = locker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE;";
            begin.ExecuteNonQuery();
        }

        try
        {
            if (mode == FailureMode.FailClosed)
            {
                var error = await Assert.ThrowsAsync<TokenQuotaStoreException>(async () => await checker.RecordAsync("user-1", 1, 1));
                Assert.That(error!.InnerException, Is.InstanceOf<SqliteException>().With.Property(nameof(SqliteException.SqliteErrorCode)).EqualTo(5), "SQLITE_BUSY");
            }
            else
            {
                await checker.RecordAsync("user-1", 1, 1);
            }
        }
        finally
        {
            using var rollback = locker.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }

        Assert.That(Scalar<long>("SELECT COUNT(*) FROM user_token_usage;"), Is.Zero, "nothing was recorded while the database was locked");
        await checker.RecordAsync("user-1", 1, 1);
        Assert.That(Scalar<long>("SELECT input_tokens_used FROM user_token_usage;"), Is.EqualTo(1), "the store recovers once the lock is gone");
    }

    private string Break(Fault fault)
    {
        switch (fault)
        {
            case Fault.CorruptFile:
                var bytes = new byte[64 * 1024];
                new Random(1234).NextBytes(bytes);
                File.WriteAllBytes(DbPath, bytes);
                return ConnectionString;
            case Fault.MissingDirectory:
                return $"Data Source={Path.Combine(Folder, "missing", "quota.db")};Mode=ReadWrite";
            default:
                throw new ArgumentOutOfRangeException(nameof(fault));
        }
    }

    private void AssertStillBroken(Fault fault)
    {
        SqliteConnection.ClearAllPools();
        if (fault == Fault.CorruptFile)
        {
            var bytes = new byte[64 * 1024];
            new Random(1234).NextBytes(bytes);
            Assert.That(File.ReadAllBytes(DbPath), Is.EqualTo(bytes), "the corrupt file must not be touched");
        }
        else
        {
            Assert.That(Path.Combine(Folder, "missing"), Does.Not.Exist);
        }
    }

    private sealed record LogEntry(LogLevel Level, string Category, string? EventName, string Message, Exception? Exception);

    private sealed class CollectingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<LogEntry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CollectingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Entries.Enqueue(new LogEntry(logLevel, category, eventId.Name, formatter(state, exception), exception));
        }
    }
}
