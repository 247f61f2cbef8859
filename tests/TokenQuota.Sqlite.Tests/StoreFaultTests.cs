using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// Issue 4 §3 "Store faults", injected into a store that was serving: a read-only database file, the database locked
/// by another writer past the busy timeout, the directory removed, and a corrupt file. With FailClosed every write
/// path (reserve, commit, record, prompt) throws a <see cref="TokenQuotaStoreException"/> naming the operation and the
/// SQLite cause; with FailOpen each call is allowed, logged at warning and counted in <c>tokenquota.store.failures</c>.
/// Either way nothing half-written is left behind.
/// </summary>
/// <remarks>
/// Complements <see cref="FailureModeTests"/> (broken before start, the read-side and admin APIs, recovery after a
/// lock): here the reservation API (reserve, commit of a reservation held before the fault, release), the metric, and a
/// file corrupted page by page behind an intact header.
/// Tests run as root, so chmod cannot make the file read-only; the read-only fault reopens it with <c>Mode=ReadOnly</c>.
/// </remarks>
public class StoreFaultTests : SqliteTestDatabase
{
    private byte[]? corrupted;

    public enum StoreFault
    {
        ReadOnlyFile,
        LockedPastBusyTimeout,
        DirectoryRemoved,
        CorruptFile,
    }

    [Test]
    public async Task FailClosedThrowsATypedExceptionWithAClearMessageAndWritesNothing([Values] StoreFault fault)
    {
        var (provider, held) = await RunningStoreAsync(FailureMode.FailClosed, fault);
        using var failures = new MetricCollector<long>(provider.GetRequiredService<IMeterFactory>(), TokenQuotaDiagnostics.MeterName, TokenQuotaDiagnostics.StoreFailuresInstrument);
        var before = BeforeFault(fault);
        var checker = provider.GetRequiredService<ITokenQuotaChecker>();
        var rates = provider.GetRequiredService<IRateLimitPolicy>();

        using (Inject(fault))
        {
            var outcomes = await Task.WhenAll(
                Attempt(async () => await checker.ReserveAsync("user-1", 10, 10)),
                Attempt(async () => await checker.RecordAsync("user-1", 10, 10)),
                Attempt(async () => await rates.AcquirePromptAsync("user-1")),
                held is null ? Task.FromResult<object?>(null) : Attempt(async () => await held.CommitAsync(5, 5)));

            var expectedCause = Cause(fault);
            var operations = new[] { "reserve", "record", "acquire prompt", "commit reservation" };
            Assert.Multiple(() =>
            {
                for (var i = 0; i < outcomes.Length; i++)
                {
                    if (i == 3 && held is null)
                    {
                        continue;
                    }

                    Assert.That(outcomes[i], Is.TypeOf<TokenQuotaStoreException>(), operations[i]);
                    var error = (TokenQuotaStoreException)outcomes[i]!;
                    Assert.That(error.Message, Does.StartWith($"The quota store failed during {operations[i]}").And.Contain(expectedCause), operations[i]);
                    Assert.That(error.InnerException, Is.InstanceOf<SqliteException>(), operations[i]);
                }

                if (held is not null)
                {
                    Assert.That(held.State, Is.EqualTo(QuotaReservationState.Held), "a failed commit leaves the reservation held, to be retried");
                }
            });
        }

        var counted = failures.GetMeasurementSnapshot();
        Assert.That(counted.Select(m => (string?)m.Tags["tokenquota.operation"]), Is.SupersetOf(new[] { "reserve", "record", "acquire prompt" }));
        Assert.That(counted.Select(m => m.Tags["tokenquota.failure_mode"]), Is.All.EqualTo("fail_closed"));
        await AssertNothingHalfWrittenAsync(fault, before, held, provider);
    }

    [Test]
    public async Task FailOpenAllowsLogsAWarningAndCountsTheFailureAndWritesNothing([Values] StoreFault fault)
    {
        var (provider, held) = await RunningStoreAsync(FailureMode.FailOpen, fault);
        using var failures = new MetricCollector<long>(provider.GetRequiredService<IMeterFactory>(), TokenQuotaDiagnostics.MeterName, TokenQuotaDiagnostics.StoreFailuresInstrument);
        var logs = provider.GetFakeLogCollector();
        var before = BeforeFault(fault);
        var checker = provider.GetRequiredService<ITokenQuotaChecker>();
        var rates = provider.GetRequiredService<IRateLimitPolicy>();

        QuotaReservationResult reserved;
        RateLimitDecision prompt;
        using (Inject(fault))
        {
            logs.Clear();
            reserved = await checker.ReserveAsync("user-1", 10, 10);
            await checker.RecordAsync("user-1", 10, 10);
            prompt = await rates.AcquirePromptAsync("user-1");
            await reserved.Reservation!.DisposeAsync();
        }

        var warnings = logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning && r.Id.Name == "StoreFailedOpen").ToArray();
        var counted = failures.GetMeasurementSnapshot();
        Assert.Multiple(() =>
        {
            Assert.That(reserved.IsAllowed, Is.True);
            Assert.That(reserved.Check.FailedOpen, Is.True);
            Assert.That(reserved.Reservation!.FailedOpen, Is.True);
            Assert.That(prompt is { IsAllowed: true, FailedOpen: true }, Is.True);
            Assert.That(warnings.Select(w => w.StructuredState!.Single(s => s.Key == "Operation").Value), Is.EquivalentTo(new[] { "reserve", "record", "acquire prompt", "release reservation" }));
            Assert.That(warnings.Select(w => w.Exception), Is.All.InstanceOf<SqliteException>());
            Assert.That(counted.Select(m => (string?)m.Tags["tokenquota.operation"]), Is.EquivalentTo(new[] { "reserve", "record", "acquire prompt", "release reservation" }));
            Assert.That(counted.Select(m => m.Value), Is.All.EqualTo(1));
            Assert.That(counted.Select(m => m.Tags["tokenquota.failure_mode"]), Is.All.EqualTo("fail_open"));
        });
        await AssertNothingHalfWrittenAsync(fault, before, held: null, provider);
    }

    private static async Task<object?> Attempt(Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private static string Cause(StoreFault fault) => fault switch
    {
        StoreFault.ReadOnlyFile => "readonly database",
        StoreFault.LockedPastBusyTimeout => "database is locked",
        StoreFault.DirectoryRemoved => "unable to open database file",
        _ => "malformed",
    };

    /// <summary>
    /// A store that served calls (usage recorded, a prompt counted, a reservation held) before the fault. The lock hits
    /// that running store. For the other faults the store is restarted on the same path after its connections closed:
    /// a connection SQLite already holds open keeps reading and writing the file it opened (its page cache, or an
    /// unlinked inode once the directory is gone), so those faults show on the next open.
    /// </summary>
    private async Task<(ServiceProvider Provider, QuotaReservation? Held)> RunningStoreAsync(FailureMode mode, StoreFault fault)
    {
        ServiceProvider Build(string? connectionString = null) => BuildServices(
            o => o.FailureMode = mode,
            connectionString,
            store: s => s.BusyTimeout = TimeSpan.FromMilliseconds(100),
            services: s => s.AddFakeLogging().AddSingleton<IMeterFactory, ScopedMeterFactory>());

        var provider = Build();
        var checker = provider.GetRequiredService<ITokenQuotaChecker>();
        await checker.RecordAsync("user-1", 100, 200);
        await provider.GetRequiredService<IRateLimitPolicy>().AcquirePromptAsync("user-1");
        var held = (await checker.ReserveAsync("user-1", 50, 50)).Reservation!;
        if (fault == StoreFault.LockedPastBusyTimeout)
        {
            return (provider, held);
        }

        await held.DisposeAsync();
        await provider.DisposeAsync();
        SqliteConnection.ClearAllPools();
        return (Build(fault == StoreFault.ReadOnlyFile ? $"Data Source={DbPath};Mode=ReadOnly" : null), null);
    }

    private object BeforeFault(StoreFault fault)
    {
        // Idle pooled connections are closed, so SQLite checkpoints the WAL into the file before the fault.
        SqliteConnection.ClearAllPools();
        return Snapshot();
    }

    private IDisposable Inject(StoreFault fault)
    {
        switch (fault)
        {
            case StoreFault.LockedPastBusyTimeout:
                var locker = OpenRaw();
                using (var begin = locker.CreateCommand())
                {
                    begin.CommandText = "BEGIN EXCLUSIVE;";
                    begin.ExecuteNonQuery();
                }

                return locker;
            case StoreFault.DirectoryRemoved:
                Directory.Delete(Folder, recursive: true);
                break;
            case StoreFault.CorruptFile:
                // Keep the header page (so SQLite still recognises the file) and overwrite every other page with noise.
                var bytes = File.ReadAllBytes(DbPath);
                new Random(77).NextBytes(bytes.AsSpan(4096));
                File.WriteAllBytes(DbPath, bytes);
                corrupted = bytes;
                break;
        }

        return new NoFault();
    }

    private async Task AssertNothingHalfWrittenAsync(StoreFault fault, object before, QuotaReservation? held, ServiceProvider provider)
    {
        SqliteConnection.ClearAllPools();
        switch (fault)
        {
            case StoreFault.ReadOnlyFile:
                Assert.That(Snapshot(), Is.EqualTo(before), "the read-only file is unchanged");
                break;
            case StoreFault.LockedPastBusyTimeout:
                Assert.That(Snapshot(), Is.EqualTo(before), "nothing was written while the database was locked");
                if (held is not null)
                {
                    // Once the lock is gone the held reservation commits, exactly once.
                    Assert.That(await held.CommitAsync(5, 5), Is.EqualTo(ReservationCommitOutcome.Committed));
                    var status = await provider.GetRequiredService<ITokenQuotaChecker>().GetStatusAsync("user-1");
                    Assert.That((status.InputTokens.Used, status.InputTokens.Reserved), Is.EqualTo((105L, 0L)));
                }

                break;
            case StoreFault.DirectoryRemoved:
                Assert.That(Folder, Does.Not.Exist, "the store did not recreate the removed directory or leave a file behind");
                break;
            case StoreFault.CorruptFile:
                Assert.That(File.ReadAllBytes(DbPath), Is.EqualTo(corrupted), "the corrupt file is not written to");
                break;
        }
    }

    /// <summary>Meters scoped to one service provider, so a <see cref="MetricCollector{T}"/> sees only that provider's measurements.</summary>
    private sealed class ScopedMeterFactory : IMeterFactory
    {
        private readonly List<Meter> meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
            lock (meters)
            {
                meters.Add(meter);
            }

            return meter;
        }

        public void Dispose()
        {
            lock (meters)
            {
                meters.ForEach(m => m.Dispose());
            }
        }
    }

    private sealed class NoFault : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
