using System.Globalization;
using System.Text;

namespace TokenQuota.Stores.Tests;

/// <summary>
/// Issue 4 §3 "Model checks": seeded random sequences of reserve, commit (at, below and above the estimate), retried
/// commit, release, expiry (the clock moved past the TTL), record, month rollover and profile limit edits run against
/// the real store and, side by side, against a few lines of in-memory rules. After every step the used and
/// reserved figures of <see cref="ITokenQuotaChecker.GetStatusAsync"/> must equal the model's, and every reserve
/// decision and commit outcome must be the model's.
/// </summary>
/// <remarks>
/// Reproducible: sequence <c>i</c> uses seed <c>base + i</c>, the base being 20251205 unless the environment variable
/// <c>TOKENQUOTA_MODEL_SEED</c> sets it; a failure prints the sequence's seed and its steps.
/// <c>TOKENQUOTA_MODEL_SEQUENCES</c> overrides the number of sequences (default 200).
/// </remarks>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class ReservationModelTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    private const int Steps = 30;

    [Test]
    public async Task RandomSequencesAgreeWithTheInMemoryModel()
    {
        var baseSeed = int.TryParse(Environment.GetEnvironmentVariable("TOKENQUOTA_MODEL_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 20251205;
        var sequences = int.TryParse(Environment.GetEnvironmentVariable("TOKENQUOTA_MODEL_SEQUENCES"), CultureInfo.InvariantCulture, out var n) ? n : 200;
        var services = await StartAsync();
        var stepsRun = 0;
        for (var i = 0; i < sequences; i++)
        {
            stepsRun += await RunSequenceAsync(services, baseSeed + i);
        }

        await TestContext.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture, $"model checks: {sequences} sequences x {Steps} steps ({stepsRun:N0} steps), seeds {baseSeed}..{baseSeed + sequences - 1}: all agree"));
    }

    private async Task<int> RunSequenceAsync(Services services, int seed)
    {
        var random = new Random(seed);
        var log = new StringBuilder();
        var user = string.Create(CultureInfo.InvariantCulture, $"model-{seed}");
        var model = new Model();
        var profile = await services.Profiles.CreateAsync(new NewConsumptionProfile
        {
            Name = user,
            InputTokensPerMonth = model.InputLimit = RandomLimit(random),
            OutputTokensPerMonth = model.OutputLimit = RandomLimit(random),
        });
        await services.Profiles.AssignAsync(user, profile.Id);
        log.Append(CultureInfo.InvariantCulture, $"profile limits in={model.InputLimit?.ToString(CultureInfo.InvariantCulture) ?? "null"} out={model.OutputLimit?.ToString(CultureInfo.InvariantCulture) ?? "null"}").AppendLine();

        void Fail(string what) => Assert.Fail($"Model check failed (seed {seed}; rerun with TOKENQUOTA_MODEL_SEED={seed} TOKENQUOTA_MODEL_SEQUENCES=1): {what}{Environment.NewLine}Steps:{Environment.NewLine}{log}");

        for (var step = 0; step < Steps; step++)
        {
            var now = Clock.GetUtcNow();
            var live = model.Reservations.Where(r => r.State == QuotaReservationState.Held).ToList();
            var committed = model.Reservations.Where(r => r.State == QuotaReservationState.Committed && now - r.CommittedAt < TimeSpan.FromHours(24)).ToList();
            var action = random.Next(100);
            if (action < 35)
            {
                var estIn = random.Next(0, 4) == 0 ? 0 : random.Next(1, 3_000);
                var estOut = random.Next(0, 4) == 0 ? 0 : random.Next(1, 1_500);
                var ttl = TimeSpan.FromMinutes(random.Next(1, 30));
                var expected = model.Allows(now, estIn, estOut);
                var result = await services.Checker.ReserveAsync(user, estIn, estOut, new QuotaReservationOptions { Ttl = ttl });
                log.Append(CultureInfo.InvariantCulture, $"{step}: reserve {estIn}/{estOut} ttl {ttl.TotalMinutes}m -> {(result.IsAllowed ? "granted" : "denied")}").AppendLine();
                if (result.IsAllowed != expected)
                {
                    Fail($"reserve expected {(expected ? "granted" : "denied")}");
                }

                if (result.IsAllowed)
                {
                    model.Reservations.Add(new ModelReservation(result.Reservation, QuotaPeriod.FromInstant(now), estIn, estOut, now + ttl));
                }
            }
            else if (action < 55 && live.Count > 0)
            {
                var r = live[random.Next(live.Count)];
                var (actualIn, actualOut) = random.Next(3) switch
                {
                    0 => (r.Input, r.Output),
                    1 => (random.NextInt64(0, r.Input + 1), random.NextInt64(0, r.Output + 1)),
                    _ => (r.Input + random.Next(0, 500), r.Output + random.Next(0, 500)),
                };
                var expected = r.ExpiresAt > now ? ReservationCommitOutcome.Committed : ReservationCommitOutcome.CommittedAfterExpiry;
                var outcome = await r.Reservation.CommitAsync(actualIn, actualOut);
                log.Append(CultureInfo.InvariantCulture, $"{step}: commit {r.Reservation.RequestId[..6]} est {r.Input}/{r.Output} actual {actualIn}/{actualOut} -> {outcome}").AppendLine();
                if (outcome != expected)
                {
                    Fail($"commit expected {expected}");
                }

                r.State = QuotaReservationState.Committed;
                r.CommittedAt = now;
                model.Add(r.Period, actualIn, actualOut);
            }
            else if (action < 60 && committed.Count > 0)
            {
                // A retry of a commit, from "another process": the store must not count it again.
                var r = committed[random.Next(committed.Count)];
                var outcome = await services.Store.CommitReservationAsync(r.Reservation.RequestId, user, r.Period, r.Input + 7, r.Output + 7, now);
                log.Append(CultureInfo.InvariantCulture, $"{step}: retried commit {r.Reservation.RequestId[..6]} -> {outcome}").AppendLine();
                if (outcome != ReservationCommitOutcome.AlreadyCommitted)
                {
                    Fail("a retried commit within 24 hours must be AlreadyCommitted");
                }
            }
            else if (action < 70 && live.Count > 0)
            {
                var r = live[random.Next(live.Count)];
                if (random.Next(2) == 0)
                {
                    await r.Reservation.ReleaseAsync();
                }
                else
                {
                    await r.Reservation.DisposeAsync();
                }

                log.Append(CultureInfo.InvariantCulture, $"{step}: release {r.Reservation.RequestId[..6]}").AppendLine();
                r.State = QuotaReservationState.Released;
            }
            else if (action < 77)
            {
                var advance = TimeSpan.FromMinutes(random.Next(1, 31));
                Clock.Advance(advance);
                log.Append(CultureInfo.InvariantCulture, $"{step}: advance {advance.TotalMinutes}m (expiry)").AppendLine();
            }
            else if (action < 90)
            {
                var input = random.Next(0, 2_000);
                var output = random.Next(0, 1_000);
                await services.Checker.RecordAsync(user, input, output);
                model.Add(QuotaPeriod.FromInstant(now), input, output);
                log.Append(CultureInfo.InvariantCulture, $"{step}: record {input}/{output}").AppendLine();
            }
            else if (action < 94)
            {
                var next = QuotaPeriod.FromInstant(now).End.AddMinutes(random.Next(0, 90));
                Clock.SetUtcNow(next);
                log.Append(CultureInfo.InvariantCulture, $"{step}: month rollover to {next:O}").AppendLine();
            }
            else
            {
                var update = new ConsumptionProfileUpdate();
                if (random.Next(2) == 0)
                {
                    update = update with { InputTokensPerMonth = model.InputLimit = RandomLimit(random) };
                }
                else
                {
                    update = update with { OutputTokensPerMonth = model.OutputLimit = RandomLimit(random) };
                }

                await services.Profiles.UpdateAsync(profile.Id, update);
                log.Append(CultureInfo.InvariantCulture, $"{step}: edit limits in={model.InputLimit?.ToString(CultureInfo.InvariantCulture) ?? "null"} out={model.OutputLimit?.ToString(CultureInfo.InvariantCulture) ?? "null"}").AppendLine();
            }

            var at = Clock.GetUtcNow();
            var status = await services.Checker.GetStatusAsync(user);
            var expectedFigures = model.Figures(at);
            var actualFigures = (status.InputTokens.Used, status.InputTokens.Reserved, status.OutputTokens.Used, status.OutputTokens.Reserved);
            if (actualFigures != expectedFigures || status.InputTokens.Limit != model.InputLimit || status.OutputTokens.Limit != model.OutputLimit)
            {
                Fail($"status (used in, reserved in, used out, reserved out) = {actualFigures}, limits {status.InputTokens.Limit}/{status.OutputTokens.Limit}; model {expectedFigures}, limits {model.InputLimit}/{model.OutputLimit}");
            }
        }

        foreach (var r in model.Reservations.Where(r => r.State == QuotaReservationState.Held))
        {
            await r.Reservation.DisposeAsync();
        }

        return Steps;
    }

    private static long? RandomLimit(Random random) => random.Next(5) switch
    {
        0 => null,
        1 => 0,
        _ => random.Next(1_000, 20_000),
    };

    private sealed class ModelReservation(QuotaReservation reservation, QuotaPeriod period, long input, long output, DateTimeOffset expiresAt)
    {
        public QuotaReservation Reservation { get; } = reservation;

        public QuotaPeriod Period { get; } = period;

        public long Input { get; } = input;

        public long Output { get; } = output;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public QuotaReservationState State { get; set; } = QuotaReservationState.Held;

        public DateTimeOffset CommittedAt { get; set; }
    }

    /// <summary>The rules, in memory: usage per period; a hold counts in its period until committed, released or expired.</summary>
    private sealed class Model
    {
        private readonly Dictionary<QuotaPeriod, (long Input, long Output)> usage = [];

        public List<ModelReservation> Reservations { get; } = [];

        public long? InputLimit { get; set; }

        public long? OutputLimit { get; set; }

        public void Add(QuotaPeriod period, long input, long output)
        {
            var current = usage.GetValueOrDefault(period);
            usage[period] = (current.Input + input, current.Output + output);
        }

        public (long UsedIn, long ReservedIn, long UsedOut, long ReservedOut) Figures(DateTimeOffset now)
        {
            var period = QuotaPeriod.FromInstant(now);
            var used = usage.GetValueOrDefault(period);
            var live = Reservations.Where(r => r.State == QuotaReservationState.Held && r.Period == period && r.ExpiresAt > now).ToList();
            return (used.Input, live.Sum(r => r.Input), used.Output, live.Sum(r => r.Output));
        }

        public bool Allows(DateTimeOffset now, long input, long output)
        {
            var (usedIn, reservedIn, usedOut, reservedOut) = Figures(now);
            return (InputLimit is not { } li || usedIn + reservedIn + input <= li)
                && (OutputLimit is not { } lo || usedOut + reservedOut + output <= lo);
        }
    }
}
