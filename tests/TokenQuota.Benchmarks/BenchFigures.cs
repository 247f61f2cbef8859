namespace TokenQuota.Benchmarks;

/// <summary>
/// The timed operations of the quick harness and of <c>--probe</c>, on one set of services and users: each is a round
/// builder for <see cref="Measure"/>, so the harness and the probes time exactly the same calls.
/// </summary>
/// <param name="checker">The checker of the store under test.</param>
/// <param name="rates">The rate-limit policy of the same services (null where no figure needs it).</param>
/// <param name="users">The user ids, in the order <see cref="UserIds"/> gives.</param>
internal sealed class BenchFigures(ITokenQuotaChecker checker, IRateLimitPolicy? rates, string[] users)
{
    /// <summary>The number of concurrent callers of the "64" figures.</summary>
    public const int Callers = 64;

    private IRateLimitPolicy Rates => rates ?? throw new InvalidOperationException("This figure needs the rate-limit policy.");

    /// <summary>User ids visited in a scattered order (a stride coprime with the count), so consecutive calls touch distant rows.</summary>
    public static string[] UserIds(int count) =>
        Enumerable.Range(0, count).Select(i => BenchDatabase.UserId((int)((i * 7919L) % count))).ToArray();

    /// <summary>Checks every user once, so each user's profile is cached before timing.</summary>
    public async Task WarmProfilesAsync()
    {
        foreach (var user in users)
        {
            await checker.CheckAsync(user, 10, 10);
        }
    }

    public Func<TimeSpan, Task<double>> Record() => Measure.AsyncRound(i => checker.RecordAsync(User(i), 1, 1));

    public Func<TimeSpan, Task<double>> ReserveCommit() => Measure.AsyncRound(async i =>
    {
        var reserved = await checker.ReserveAsync(User(i), 100, 50);
        await reserved.Reservation!.CommitAsync(90, 40);
    });

    public Func<TimeSpan, Task<double>> Check() => Measure.AsyncRound(async i => await checker.CheckAsync(User(i), 10, 10));

    public Func<TimeSpan, Task<double>> Acquire() => Measure.AsyncRound(async i => await Rates.AcquirePromptAsync(User(i)));

    public Func<TimeSpan, Task<double>> Record64() => Measure.ConcurrentRound(Callers, (c, i) => checker.RecordAsync(User64(c, i), 1, 1));

    public Func<TimeSpan, Task<double>> Check64() => Measure.ConcurrentRound(Callers, async (c, i) => await checker.CheckAsync(User64(c, i), 10, 10));

    public Func<TimeSpan, Task<double>> Acquire64() => Measure.ConcurrentRound(Callers, async (c, i) => await Rates.AcquirePromptAsync(User64(c, i)));

    /// <summary>The full prompt cycle: acquire, check, record.</summary>
    public Func<TimeSpan, Task<double>> Cycle64() => Measure.ConcurrentRound(Callers, async (c, i) =>
    {
        var user = User64(c, i);
        await Rates.AcquirePromptAsync(user);
        await checker.CheckAsync(user, 10, 10);
        await checker.RecordAsync(user, 10, 10);
    });

    /// <summary>The prompt cycle without its check (to see what the check costs inside the cycle).</summary>
    public Func<TimeSpan, Task<double>> Cycle64WithoutCheck() => Measure.ConcurrentRound(Callers, async (c, i) =>
    {
        var user = User64(c, i);
        await Rates.AcquirePromptAsync(user);
        await checker.RecordAsync(user, 10, 10);
    });

    /// <summary>The cycle with reservations: reserve, commit.</summary>
    public Func<TimeSpan, Task<double>> Reserve64() => Measure.ConcurrentRound(Callers, async (c, i) =>
    {
        var reserved = await checker.ReserveAsync(User64(c, i), 10, 10);
        await reserved.Reservation!.CommitAsync(10, 10);
    });

    /// <summary>The prompt cycle the IChatClient middleware runs: acquire, reserve the estimate, commit the actual usage.</summary>
    public Func<TimeSpan, Task<double>> ReserveCycle64() => Measure.ConcurrentRound(Callers, async (c, i) =>
    {
        var user = User64(c, i);
        await Rates.AcquirePromptAsync(user);
        var reserved = await checker.ReserveAsync(user, 100, 50);
        await reserved.Reservation!.CommitAsync(90, 40);
    });

    private string User(int i) => users[i % users.Length];

    private string User64(int caller, int i) => users[((i * Callers) + caller) % users.Length];
}
