namespace TokenQuota.Tests.Limits;

/// <summary>
/// The guarantees written on <see cref="LimitAlgorithm"/>, proven over generated request streams: a token bucket never
/// admits more than amount × (1 + t / window) in a span t, a sliding window never more than the amount in one window's
/// length, and each refusal's retry_after is the exact wait (admitted then, refused a millisecond before).
/// </summary>
public class LimitAlgorithmTests
{
    private const long Minute = 60_000;

    [Test]
    public void AFullBucketAdmitsItsCapacityAtOnceThenRefillsOneUnitPerShareOfTheWindow()
    {
        Int128 tat = 0;
        const long t0 = 1_765_000_000_000;
        var burst = TokenBucket.Judge(tat, 10, Minute, t0, 10);
        var refused = TokenBucket.Judge(burst.Tat, 10, Minute, t0, 1);
        var early = TokenBucket.Judge(burst.Tat, 10, Minute, t0 + 5_999, 1);
        var onTime = TokenBucket.Judge(burst.Tat, 10, Minute, t0 + 6_000, 1);

        Assert.Multiple(() =>
        {
            Assert.That((burst.Admitted, burst.Remaining), Is.EqualTo((true, 0L)));
            Assert.That((refused.Admitted, refused.RetryAfter, refused.Tat), Is.EqualTo((false, (TimeSpan?)TimeSpan.FromSeconds(6), burst.Tat)), "nothing charged");
            Assert.That((early.Admitted, early.RetryAfter), Is.EqualTo((false, (TimeSpan?)TimeSpan.FromMilliseconds(1))));
            Assert.That((onTime.Admitted, onTime.Remaining), Is.EqualTo((true, 0L)));
            Assert.That(TokenBucket.Remaining(burst.Tat, 10, Minute, t0 + Minute), Is.EqualTo(10), "full again after one window");
        });
    }

    [Test]
    public void MoreThanTheCapacityOrAnyRequestOnAZeroAmountNeverFitsAndSaysSo()
    {
        var tooBig = TokenBucket.Judge(0, 10, Minute, 1_000, 11);
        var zero = TokenBucket.Judge(0, 0, Minute, 1_000, 1);
        var slidingTooBig = SlidingWindowLog.Judge([], 10, Minute, 1_000, 11);

        Assert.Multiple(() =>
        {
            Assert.That((tooBig.Admitted, tooBig.RetryAfter), Is.EqualTo((false, (TimeSpan?)null)));
            Assert.That((zero.Admitted, zero.RetryAfter), Is.EqualTo((false, (TimeSpan?)null)));
            Assert.That(slidingTooBig, Is.EqualTo((false, 0L, (TimeSpan?)null)));
            Assert.That(TokenBucket.Judge(0, 0, Minute, 1_000, 0).Admitted, Is.True, "zero units always fit");
        });
    }

    [TestCase(1, 7L)]
    [TestCase(2, 20_000L)]
    [TestCase(3, 1L)]
    public void ATokenBucketNeverAdmitsMoreThanItsRateAllowsOverAnySpanAndItsWaitsAreExact(int seed, long amount)
    {
        var random = new Random(seed);
        Int128 tat = 0;
        var now = 1_765_000_000_000L;
        var admitted = new List<(long At, long Units)>();
        for (var i = 0; i < 3_000; i++)
        {
            now += random.Next(0, (int)(Minute / 4));
            var units = random.NextInt64(1, amount + 1);
            var decision = TokenBucket.Judge(tat, amount, Minute, now, units);
            if (decision.Admitted)
            {
                tat = decision.Tat;
                admitted.Add((now, units));
                continue;
            }

            Assert.That(decision.RetryAfter, Is.Not.Null, "a request within the capacity can always wait");
            var wait = (long)decision.RetryAfter!.Value.TotalMilliseconds;
            Assert.That(TokenBucket.Judge(tat, amount, Minute, now + wait, units).Admitted, Is.True, "admitted after the wait");
            if (wait > 0)
            {
                Assert.That(TokenBucket.Judge(tat, amount, Minute, now + wait - 1, units).Admitted, Is.False, "refused a millisecond before");
            }
        }

        // Over every span [a, b] of admissions: units × window ≤ amount × (window + b − a).
        for (var a = 0; a < admitted.Count; a++)
        {
            Int128 sum = 0;
            for (var b = a; b < admitted.Count && admitted[b].At - admitted[a].At <= 3 * Minute; b++)
            {
                sum += admitted[b].Units;
                Assert.That(sum * Minute, Is.LessThanOrEqualTo((Int128)amount * (Minute + admitted[b].At - admitted[a].At)), $"span {a}..{b}");
            }
        }

        Assert.That(admitted, Has.Count.GreaterThan(100), "the stream exercised admissions");
    }

    [TestCase(4, 5L)]
    [TestCase(5, 20_000L)]
    public void ASlidingWindowNeverAdmitsMoreThanItsAmountInOneWindowsLengthAndItsWaitsAreExact(int seed, long amount)
    {
        var random = new Random(seed);
        var log = new List<SlidingWindowEntry>();
        var now = 1_765_000_000_000L;
        var refusals = 0;
        for (var i = 0; i < 3_000; i++)
        {
            now += random.Next(0, (int)(Minute / 6));
            var units = random.NextInt64(1, amount + 1);
            var (isAdmitted, used, retryAfter) = SlidingWindowLog.Judge(log, amount, Minute, now, units);
            if (isAdmitted)
            {
                log.Add(new SlidingWindowEntry(now, units));
                var inWindow = log.Where(e => e.AtMs > now - Minute).Sum(e => e.Units);
                Assert.That((used, inWindow), Is.EqualTo((inWindow, inWindow)));
                Assert.That(inWindow, Is.LessThanOrEqualTo(amount), "the window that ends now");
                continue;
            }

            refusals++;
            var wait = (long)retryAfter!.Value.TotalMilliseconds;
            Assert.That(wait, Is.Positive);
            Assert.That(SlidingWindowLog.Judge(log, amount, Minute, now + wait, units).Admitted, Is.True, "admitted after the wait");
            Assert.That(SlidingWindowLog.Judge(log, amount, Minute, now + wait - 1, units).Admitted, Is.False, "refused a millisecond before");
        }

        Assert.That(refusals, Is.GreaterThan(100), "the stream exercised refusals");
    }

    [Test]
    public void AtAFixedWindowsEdgeTwiceTheAmountPassesWhereABucketAdmitsOnlyWhatRefilled()
    {
        // Ten prompts a minute, all sent in the last second of a minute and the first of the next.
        var calendar = QuotaCalendar.Default;
        var edge = new DateTimeOffset(2025, 12, 15, 10, 31, 0, TimeSpan.Zero);
        Int128 tat = 0;
        var bucketAdmitted = 0;
        var fixedCounts = new Dictionary<string, int>();
        var fixedAdmitted = 0;
        for (var ms = -1_000; ms < 1_000; ms += 50)
        {
            var at = edge.AddMilliseconds(ms);
            var key = calendar.GetWindow(QuotaWindow.Minute, at).Key;
            if (fixedCounts.GetValueOrDefault(key) < 10)
            {
                fixedCounts[key] = fixedCounts.GetValueOrDefault(key) + 1;
                fixedAdmitted++;
            }

            var decision = TokenBucket.Judge(tat, 10, Minute, at.ToUnixTimeMilliseconds(), 1);
            if (decision.Admitted)
            {
                tat = decision.Tat;
                bucketAdmitted++;
            }
        }

        Assert.That((fixedAdmitted, bucketAdmitted), Is.EqualTo((20, 10)), "the bucket refills 2000/6000 of a unit in those two seconds");
    }
}
