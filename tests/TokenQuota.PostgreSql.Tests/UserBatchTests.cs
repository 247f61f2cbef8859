using TokenQuota.Storage;

namespace TokenQuota.PostgreSql.Tests;

/// <summary>
/// Issue 19 "hot keys at database speed": concurrent charges, reservations and commits are judged and written in one
/// transaction per batch, and each request keeps the outcome it has alone: a duplicate request id, a stale
/// configuration, a cancelled caller or an overflowing commit fails that request only.
/// </summary>
public class UserBatchTests : PostgresTestDatabase
{
    private static readonly QuotaPeriod Period = QuotaPeriod.FromInstant(Start);

    [Test]
    public async Task ConcurrentReservationsOfOneRequestIdHoldItOnceAndRefuseTheOthersAsDuplicates()
    {
        var services = await StartAsync();
        var outcomes = await TogetherAsync(20, async _ =>
        {
            try
            {
                var result = await services.Checker.ReserveAsync("u", 100, 50, new QuotaReservationOptions { RequestId = "same" });
                return result.IsAllowed ? "held" : "denied";
            }
            catch (DuplicateRequestIdException)
            {
                return "duplicate";
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Count(o => o == "held"), Is.EqualTo(1));
            Assert.That(outcomes.Count(o => o == "duplicate"), Is.EqualTo(19));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_reservations WHERE state = 'held';"), Is.EqualTo(1));
            Assert.That(Scalar<long>("SELECT input_tokens FROM tokenquota_reserved_totals WHERE user_id = 'u';"), Is.EqualTo(100));
            Assert.That(Scalar<long>("SELECT output_tokens FROM tokenquota_reserved_totals WHERE user_id = 'u';"), Is.EqualTo(50));
        });
    }

    [Test]
    public async Task ConcurrentCommitsOfOneReservationCountItOnce()
    {
        var services = await StartAsync();
        var reserved = await services.Checker.ReserveAsync("u", 100, 50);
        var requestId = reserved.Reservation!.RequestId;

        var outcomes = await TogetherAsync(20, async _ => await services.Store.CommitReservationAsync(requestId, "u", Period, 90, 40, Start));

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Count(o => o == ReservationCommitOutcome.Committed), Is.EqualTo(1));
            Assert.That(outcomes.Count(o => o == ReservationCommitOutcome.AlreadyCommitted), Is.EqualTo(19));
            Assert.That(Scalar<long>("SELECT input_tokens_used FROM user_token_usage WHERE user_id = 'u';"), Is.EqualTo(90));
            Assert.That(Scalar<long>("SELECT output_tokens_used FROM user_token_usage WHERE user_id = 'u';"), Is.EqualTo(40));
            Assert.That(Scalar<long>("SELECT input_tokens + output_tokens FROM tokenquota_reserved_totals WHERE user_id = 'u';"), Is.Zero);
        });
    }

    [Test]
    public async Task AChargeOfAStaleConfigurationIsRefusedAndTheOthersAreCharged()
    {
        var services = await StartAsync();
        var version = await services.Store.GetConfigurationVersionAsync();
        var hour = RateWindowStart(3600);

        var results = await TogetherAsync(20, async i => await services.Store.TryChargeRateWindowsAsync(
            "u", [new RateWindowCharge(RateLimitWindow.PromptsPerHour, hour, 1_000, i % 2 == 0 ? version : version + 100)]));

        Assert.Multiple(() =>
        {
            Assert.That(results.Where((_, i) => i % 2 == 0).Select(r => r.Charged), Is.All.True);
            Assert.That(results.Where((_, i) => i % 2 == 1).Select(r => r.Charged), Is.All.False, "stale: nothing charged");
            Assert.That(results.Select(r => r.ConfigurationVersion), Is.All.EqualTo(version));
            Assert.That(results.Where(r => r.Charged).Select(r => r.Counts[0]), Is.EquivalentTo(Enumerable.Range(1, 10)), "each charge sees the earlier ones");
            Assert.That(Scalar<long>("SELECT request_count FROM tokenquota_rate_windows WHERE user_id = 'u' AND window_key = 'prompts_hourly';"), Is.EqualTo(10));
        });
    }

    [Test]
    public async Task ACancelledCallerHoldsNothingAndTheOthersAreHeld()
    {
        var services = await StartAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var outcomes = await TogetherAsync(40, async i =>
        {
            var reservation = new NewReservation($"r{i}", "u", Period, 100, 50, Start, Start.AddMinutes(5));
            try
            {
                var attempt = await services.Store.TryReserveAsync(reservation, _ => true, i % 2 == 0 ? CancellationToken.None : cancelled.Token);
                return attempt.Reserved ? "held" : "denied";
            }
            catch (OperationCanceledException)
            {
                return "cancelled";
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Where((_, i) => i % 2 == 0), Is.All.EqualTo("held"));
            Assert.That(outcomes.Where((_, i) => i % 2 == 1), Is.All.EqualTo("cancelled"));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_reservations WHERE state = 'held';"), Is.EqualTo(20));
            Assert.That(Scalar<long>("SELECT input_tokens FROM tokenquota_reserved_totals WHERE user_id = 'u';"), Is.EqualTo(20 * 100));
        });
    }

    [Test]
    public async Task ACommitThatWouldOverflowIsRefusedAloneAndTheOthersCommit()
    {
        var services = await StartAsync();
        await services.Store.AddUsageAsync("big", Period, long.MaxValue - 10, 0, Start);

        var outcomes = await TogetherAsync(20, async i =>
        {
            try
            {
                var outcome = i == 7
                    ? await services.Store.CommitReservationAsync("over", "big", Period, 100, 0, Start)
                    : await services.Store.CommitReservationAsync($"c{i}", $"u{i % 4}", Period, 5, 1, Start);
                return outcome.ToString();
            }
            catch (ArgumentOutOfRangeException)
            {
                return "overflow";
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(outcomes[7], Is.EqualTo("overflow"));
            Assert.That(outcomes.Where((_, i) => i != 7), Is.All.EqualTo(nameof(ReservationCommitOutcome.CommittedAfterExpiry)), "unknown reservations: the usage is recorded");
            Assert.That(Scalar<long>("SELECT input_tokens_used FROM user_token_usage WHERE user_id = 'big';"), Is.EqualTo(long.MaxValue - 10));
            Assert.That(Scalar<long>("SELECT SUM(input_tokens_used)::bigint FROM user_token_usage WHERE user_id LIKE 'u%';"), Is.EqualTo(19 * 5));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_reservations WHERE request_id = 'over';"), Is.Zero);
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_reservations WHERE state = 'committed';"), Is.EqualTo(19));
        });
    }

    private static long RateWindowStart(long seconds)
    {
        var now = Start.ToUnixTimeSeconds();
        return now - (now % seconds);
    }

    /// <summary>Starts <paramref name="count"/> calls at once (released together by a gate) and returns their results in call order.</summary>
    private static async Task<T[]> TogetherAsync<T>(int count, Func<int, Task<T>> call)
    {
        using var gate = new ManualResetEventSlim(false);
        var calls = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            gate.Wait();
            return await call(i);
        })).ToArray();
        gate.Set();
        return await Task.WhenAll(calls);
    }
}
