using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using TokenQuota.Storage;

namespace TokenQuota.Stores.Tests;

/// <summary>
/// Issue 20 "Tracing" and "Metrics that judge the quotas themselves", on each store: one span per operation with
/// low-cardinality attributes (no user id unless the host opts in), the estimate accuracy and overshoot of every commit,
/// refusals by the binding limit, reservations forgotten by TTL, and the store's time per operation.
/// </summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class TelemetryTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    private string StoreName => Backend is SqliteBackend ? "sqlite" : "postgresql";

    /// <summary>Builds migrated services whose meters come from their own <see cref="IMeterFactory"/>, so collectors see only this test.</summary>
    private async Task<Services> StartMeteredAsync()
    {
        var provider = BuildServices(services: s => s.AddMetrics());
        await provider.GetRequiredService<IQuotaStore>().MigrateAsync();
        return new Services(provider);
    }

    [Test]
    public async Task EveryOperationHasOneSpanWithItsOutcomeAndStoreAndNoUserId()
    {
        var services = await StartAsync();
        using var spans = new SpanRecorder();

        await services.Rates.AcquirePromptAsync("span-user");
        await services.Checker.CheckAsync("span-user", 10, 10);
        await services.Checker.RecordAsync("span-user", 10, 10);
        var reserved = await services.Checker.ReserveAsync("span-user", 100, 50);
        await reserved.Reservation!.CommitAsync(90, 40);
        var released = await services.Checker.ReserveAsync("span-user", 100, 50);
        await released.Reservation!.ReleaseAsync();

        var expected = new (string Span, string Outcome)[]
        {
            ("tokenquota.acquire", "allowed"),
            ("tokenquota.check", "allowed"),
            ("tokenquota.record", "recorded"),
            ("tokenquota.reserve", "reserved"),
            ("tokenquota.commit", "committed"),
            ("tokenquota.reserve", "reserved"),
            ("tokenquota.release", "released"),
        };
        var recorded = spans.Spans;
        Assert.That(recorded.Select(s => (s.OperationName, s.GetTagItem("tokenquota.outcome") as string)), Is.EqualTo(expected));
        Assert.Multiple(() =>
        {
            foreach (var span in recorded)
            {
                Assert.That(span.GetTagItem("tokenquota.store"), Is.EqualTo(StoreName), span.OperationName);
                Assert.That(span.Source.Name, Is.EqualTo(TokenQuotaDiagnostics.ActivitySourceName));
                Assert.That(span.Tags.Select(t => t.Key), Has.None.EqualTo("user.id"), span.OperationName);
                Assert.That(span.TagObjects.Select(t => t.Value), Has.None.EqualTo("span-user"), span.OperationName);
                Assert.That(span.Status, Is.EqualTo(ActivityStatusCode.Unset), span.OperationName);
            }

            Assert.That(recorded[0].GetTagItem("tokenquota.rate_limit.kind"), Is.EqualTo("prompt"));
        });
    }

    [Test]
    public async Task TheUserIdIsOnTheSpansOnlyWhenTheHostOptsIn()
    {
        var provider = BuildServices(o => o.IncludeUserIdInTraces = true);
        await provider.GetRequiredService<IQuotaStore>().MigrateAsync();
        var services = new Services(provider);
        using var spans = new SpanRecorder();

        await services.Rates.AcquirePromptAsync("opted-in-user");
        await services.Checker.CheckAsync("opted-in-user", 1, 1);

        Assert.That(spans.Spans.Select(s => s.GetTagItem("user.id")), Is.EqualTo(new[] { "opted-in-user", "opted-in-user" }));
    }

    [Test]
    public async Task ARefusalNamesTheBindingLimitOnTheSpanAndInTheRefusalsCounter()
    {
        var services = await StartMeteredAsync();
        using var refusals = new MetricCollector<long>(services.Provider.GetRequiredService<IMeterFactory>(), TokenQuotaDiagnostics.MeterName, TokenQuotaDiagnostics.RefusalsInstrument);
        await services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Tight", PromptsPerHour = 1, PromptsPerDay = 10, InputTokensPerMonth = 100, OutputTokensPerMonth = 100 });
        await services.Profiles.AssignAsync("refused-user", await ProfileIdAsync(services.Profiles, "Tight"));
        using var spans = new SpanRecorder();

        await services.Rates.AcquirePromptAsync("refused-user");
        var secondPrompt = await services.Rates.AcquirePromptAsync("refused-user");
        var check = await services.Checker.CheckAsync("refused-user", 101, 0);
        var reserve = await services.Checker.ReserveAsync("refused-user", 0, 101);

        Assert.That((secondPrompt.IsAllowed, check.IsAllowed, reserve.Check.IsAllowed), Is.EqualTo((false, false, false)));
        var refusedSpans = spans.Spans.Where(s => (string?)s.GetTagItem("tokenquota.outcome") == "denied")
            .Select(s => (s.OperationName, s.GetTagItem("tokenquota.limit.meter"), s.GetTagItem("tokenquota.limit.window")));
        Assert.That(refusedSpans, Is.EqualTo(new (string, object?, object?)[]
        {
            ("tokenquota.acquire", "prompts", "hour"),
            ("tokenquota.check", "input_tokens", "month"),
            ("tokenquota.reserve", "output_tokens", "month"),
        }));
        var counted = refusals.GetMeasurementSnapshot()
            .Select(m => (m.Value, m.Tags["tokenquota.limit.meter"], m.Tags["tokenquota.limit.window"]));
        Assert.That(counted, Is.EqualTo(new (long, object?, object?)[]
        {
            (1, "prompts", "hour"),
            (1, "input_tokens", "month"),
            (1, "output_tokens", "month"),
        }));
    }

    [Test]
    public async Task ACommitRecordsTheEstimateAccuracyAndTheOvershootOfEachTokenMeter()
    {
        var services = await StartMeteredAsync();
        var meters = services.Provider.GetRequiredService<IMeterFactory>();
        using var accuracy = new MetricCollector<double>(meters, TokenQuotaDiagnostics.MeterName, TokenQuotaDiagnostics.EstimateAccuracyInstrument);
        using var overshoot = new MetricCollector<long>(meters, TokenQuotaDiagnostics.MeterName, TokenQuotaDiagnostics.OvershootInstrument);

        var result = await services.Checker.ReserveAsync("estimated-user", 100, 50);
        await result.Reservation!.CommitAsync(90, 75);
        await result.Reservation.CommitAsync(90, 75);

        Assert.Multiple(() =>
        {
            Assert.That(
                accuracy.GetMeasurementSnapshot().Select(m => (m.Value, m.Tags["tokenquota.meter"])),
                Is.EqualTo(new (double, object?)[] { (0.9, "input_tokens"), (1.5, "output_tokens") }),
                "one measurement per meter; the repeated commit counted nothing again");
            Assert.That(
                overshoot.GetMeasurementSnapshot().Select(m => (m.Value, m.Tags["tokenquota.meter"])),
                Is.EqualTo(new (long, object?)[] { (25, "output_tokens") }),
                "25 output tokens beyond the estimate of 50; input stayed under its estimate");
        });
    }

    [Test]
    public async Task AReservationForgottenByItsTtlIsCountedAsExpired()
    {
        var services = await StartMeteredAsync();
        using var expired = new MetricCollector<long>(services.Provider.GetRequiredService<IMeterFactory>(), TokenQuotaDiagnostics.MeterName, TokenQuotaDiagnostics.ExpiredReservationsInstrument);

        await services.Checker.ReserveAsync("leaky-user", 10, 10, new QuotaReservationOptions { Ttl = TimeSpan.FromMinutes(1) });
        await services.Checker.ReserveAsync("leaky-user", 10, 10, new QuotaReservationOptions { Ttl = TimeSpan.FromMinutes(1) });
        var committed = await services.Checker.ReserveAsync("leaky-user", 10, 10, new QuotaReservationOptions { Ttl = TimeSpan.FromMinutes(1) });
        await committed.Reservation!.CommitAsync(10, 10);
        Assert.That(expired.GetMeasurementSnapshot(), Is.Empty, "nothing has expired yet");

        Clock.Advance(TimeSpan.FromMinutes(2));
        await services.Checker.ReserveAsync("leaky-user", 10, 10);

        Assert.That(expired.GetMeasurementSnapshot().Select(m => (m.Value, m.Tags["tokenquota.store"])), Is.EqualTo(new (long, object?)[] { (2, StoreName) }));
    }

    [Test]
    public async Task ExpiredHoldsOfAUserWhoNeverReservesAgainAreSweptAndCountedByTheRetentionPass()
    {
        var services = await StartMeteredAsync();
        using var expired = new MetricCollector<long>(services.Provider.GetRequiredService<IMeterFactory>(), TokenQuotaDiagnostics.MeterName, TokenQuotaDiagnostics.ExpiredReservationsInstrument);
        await services.Checker.ReserveAsync("idle-1", 10, 10, new QuotaReservationOptions { Ttl = TimeSpan.FromMinutes(1) });
        await services.Checker.ReserveAsync("idle-2", 10, 10, new QuotaReservationOptions { Ttl = TimeSpan.FromMinutes(1) });
        await services.Checker.ReserveAsync("idle-2", 10, 10, new QuotaReservationOptions { Ttl = TimeSpan.FromMinutes(1) });

        Clock.Advance(TimeSpan.FromMinutes(2));
        await (services.Store switch
        {
            TokenQuota.Sqlite.SqliteQuotaStore sqlite => sqlite.PurgeCommittedReservationsAsync(),
            TokenQuota.PostgreSql.PostgreSqlQuotaStore postgres => postgres.PurgeCommittedReservationsAsync(),
            _ => throw new NotSupportedException(),
        });
        Assert.That(expired.GetMeasurementSnapshot(), Is.Empty, "an expired hold is kept for the retention period, for a late commit");

        Clock.Advance(TokenQuota.Storage.ReservationRetention.KeptFor);
        await (services.Store switch
        {
            TokenQuota.Sqlite.SqliteQuotaStore sqlite => sqlite.PurgeCommittedReservationsAsync(),
            TokenQuota.PostgreSql.PostgreSqlQuotaStore postgres => postgres.PurgeCommittedReservationsAsync(),
            _ => throw new NotSupportedException(),
        });

        Assert.That(expired.GetMeasurementSnapshot().Sum(m => m.Value), Is.EqualTo(3));
        Assert.That(expired.GetMeasurementSnapshot().Select(m => m.Tags["tokenquota.store"]), Is.All.EqualTo(StoreName));
    }

    [Test]
    public async Task TheStoreTimeOfEveryOperationIsRecordedByOperationAndStore()
    {
        var services = await StartMeteredAsync();
        using var durations = new MetricCollector<double>(services.Provider.GetRequiredService<IMeterFactory>(), TokenQuotaDiagnostics.MeterName, TokenQuotaDiagnostics.StoreDurationInstrument);

        await services.Rates.AcquirePromptAsync("timed-user");
        await services.Checker.CheckAsync("timed-user", 1, 1);
        await services.Checker.RecordAsync("timed-user", 1, 1);
        var reserved = await services.Checker.ReserveAsync("timed-user", 1, 1);
        await reserved.Reservation!.CommitAsync(1, 1);
        await (await services.Checker.ReserveAsync("timed-user", 1, 1)).Reservation!.ReleaseAsync();
        await services.Checker.GetStatusAsync("timed-user");

        var measurements = durations.GetMeasurementSnapshot();
        Assert.That(
            measurements.Select(m => m.Tags["tokenquota.operation"]),
            Is.EqualTo(new[] { "acquire", "check", "record", "reserve", "commit", "reserve", "release", "status" }));
        Assert.That(measurements, Has.All.Matches<CollectedMeasurement<double>>(m => m!.Value > 0 && m.Value < 30 && Equals(m.Tags["tokenquota.store"], StoreName)));
    }

    [Test]
    public async Task ConcurrentGroupCommittedRecordsTellTheirSpansTheBatchSize()
    {
        var services = await StartAsync();
        using var spans = new SpanRecorder();

        // Another connection holds the usage table's write lock, so the first record waits inside the store and the
        // others queue behind it; when the lock goes, the queued records commit together.
        using var blocker = Backend.OpenRaw();
        Run(blocker, Backend is SqliteBackend ? "BEGIN IMMEDIATE;" : "BEGIN; LOCK TABLE user_token_usage IN EXCLUSIVE MODE;");
        var callers = Enumerable.Range(0, 64).Select(i => Task.Run(async () => await services.Checker.RecordAsync($"batched-{i % 8}", 1, 1))).ToArray();
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Run(blocker, "COMMIT;");
        await Task.WhenAll(callers);

        var sizes = spans.Named("tokenquota.record").Select(s => s.GetTagItem("tokenquota.batch.size")).OfType<int>().ToArray();
        Assert.That(sizes, Is.Not.Empty, "records were group-committed");
        Assert.That(sizes, Has.All.InRange(1, 64));
        Assert.That(sizes.Max(), Is.GreaterThan(1), "the queued records shared a batch");
    }

    private static void Run(System.Data.Common.DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
