using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using TokenQuota;
using TokenQuota.Storage;

// A tiny host the integration tests start as separate OS processes. <db> is a SQLite file path, or with
// --postgres <schema> an Npgsql connection string (the store then works in that schema).
//
//   migrate     <db>                                 migrates the database
//   record      <db>     <user> <n>                  records 1 input and 2 output tokens, n times, one after another
//   acquire     <db>     <user> <n>                  tries n prompts; prints "admitted <count>"
//   acquire-rounds <db>  <user> <n> <rounds> <step>  <rounds> rounds of n prompts in one process (its caches kept);
//                                                    prints "round <r> admitted <count>" after each, and waits for
//                                                    the file "<step>.<r+1>" before the next
//   record-many <db>     <user> <n> <in> <out>       n concurrent RecordAsync(user, in, out); prints "recorded <n>"
//   reserve     <db>     <user> <n> <estIn> <estOut> <commitIn> <commitOut> [<model>]
//                                                    n concurrent reservations; commits each granted one with the
//                                                    commit figures; prints "granted <g> denied <d> committed <in> <out>"
//                                                    (a user written "name-{25}" spreads the calls over name-0 … name-24)
//   cycle       <db>     <user> <callers> <cycles> <commitIn> <commitOut>
//                                                    <callers> concurrent loops of <cycles> prompts each: AcquirePrompt,
//                                                    then Reserve(100 in / 50 out) and Commit with the commit figures;
//                                                    prints "admitted <a> granted <g> denied <d>"
//   hold        <db>     <user> <n> <estIn> <ttl-minutes>
//                                                    makes n reservations of estIn input tokens, prints "held <g>" and
//                                                    waits forever (the test kills it with SIGKILL)
//   record-loop <db>     <prefix> <workers>          <workers> loops each recording 1 input and 2 output tokens for a
//                                                    new user "<prefix>-<worker>-<i>"; after each RecordAsync returns it
//                                                    prints "acked <user>;" (runs until killed)
//
// Options: --at <unix-ms> fixes the clock (default: the real clock); --postgres <schema> selects the PostgreSQL
// store; --go <file> prints "ready" once the services are built, then waits for <file> to exist, so several
// processes can start the work at the same moment.
// Exit code 0 and "ok" on success; 1 and the exception on stderr on failure; 2 on bad arguments.
var positional = new List<string>();
DateTimeOffset? at = null;
string? goFile = null;
string? postgresSchema = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--at" when i + 1 < args.Length:
            at = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(args[++i], CultureInfo.InvariantCulture));
            break;
        case "--postgres" when i + 1 < args.Length:
            postgresSchema = args[++i];
            break;
        case "--go" when i + 1 < args.Length:
            goFile = args[++i];
            break;
        default:
            positional.Add(args[i]);
            break;
    }
}

var valid = positional.Count switch
{
    2 => positional[0] == "migrate",
    4 => positional[0] is "record" or "acquire" or "record-loop",
    6 => positional[0] is "record-many" or "hold" or "acquire-rounds",
    7 => positional[0] == "cycle",
    8 or 9 => positional[0] == "reserve",
    _ => false,
};
if (!valid)
{
    Console.Error.WriteLine(
        "usage: migrate <db> | record <db> <user> <n> | acquire <db> <user> <n> | record-many <db> <user> <n> <in> <out>"
        + " | reserve <db> <user> <n> <estIn> <estOut> <commitIn> <commitOut> [<model>] | hold <db> <user> <n> <estIn> <ttl-minutes>"
        + " | cycle <db> <user> <callers> <cycles> <commitIn> <commitOut> | acquire-rounds <db> <user> <n> <rounds> <step> | record-loop <db> <prefix> <workers>  [--at <unix-ms>] [--postgres <schema>] [--go <file>]");
    return 2;
}

long Arg(int index) => long.Parse(positional[index], CultureInfo.InvariantCulture);

try
{
    var services = new ServiceCollection();
    if (at is { } fixedTime)
    {
        services.AddSingleton<TimeProvider>(new FixedTimeProvider(fixedTime));
    }

    if (postgresSchema is not null)
    {
        services.AddTokenQuotas().UsePostgreSql(positional[1], o => o.Schema = postgresSchema);
    }
    else
    {
        services.AddTokenQuotas().UseSqlite($"Data Source={positional[1]}", o => o.BusyTimeout = TimeSpan.FromSeconds(20));
    }

    await using var provider = services.BuildServiceProvider();
    var checker = provider.GetRequiredService<ITokenQuotaChecker>();

    if (goFile is not null)
    {
        Console.Out.WriteLine("ready");
        Console.Out.Flush();
        var waited = Stopwatch.StartNew();
        while (!File.Exists(goFile))
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                await Console.Error.WriteLineAsync("timed out waiting for " + goFile);
                return 1;
            }

            Thread.Sleep(1);
        }
    }

    switch (positional[0])
    {
        case "migrate":
            await provider.GetRequiredService<IQuotaStore>().MigrateAsync();
            break;
        case "record":
            for (var i = 0; i < Arg(3); i++)
            {
                await checker.RecordAsync(positional[2], 1, 2);
            }

            break;
        case "acquire":
            var rates = provider.GetRequiredService<IRateLimitPolicy>();
            var admitted = 0;
            for (var i = 0; i < Arg(3); i++)
            {
                admitted += (await rates.AcquirePromptAsync(positional[2])).IsAllowed ? 1 : 0;
            }

            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"admitted {admitted}"));
            break;
        case "acquire-rounds":
        {
            var (user, n, rounds, step) = (positional[2], Arg(3), Arg(4), positional[5]);
            var policy = provider.GetRequiredService<IRateLimitPolicy>();
            for (var round = 1; round <= rounds; round++)
            {
                var next = string.Create(CultureInfo.InvariantCulture, $"{step}.{round}");
                var waited = Stopwatch.StartNew();
                while (round > 1 && !File.Exists(next))
                {
                    if (waited.Elapsed > TimeSpan.FromSeconds(30))
                    {
                        await Console.Error.WriteLineAsync("timed out waiting for " + next);
                        return 1;
                    }

                    await Task.Delay(50);
                }

                var count = 0;
                for (var i = 0; i < n; i++)
                {
                    count += (await policy.AcquirePromptAsync(user)).IsAllowed ? 1 : 0;
                }

                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round} admitted {count}"));
                Console.Out.Flush();
            }

            break;
        }

        case "record-many":
        {
            var (user, n, input, output) = (positional[2], (int)Arg(3), Arg(4), Arg(5));
            using var gate = new ManualResetEventSlim(false);
            var calls = Enumerable.Range(0, n).Select(_ => Task.Run(async () =>
            {
                gate.Wait();
                await checker.RecordAsync(user, input, output);
            })).ToArray();
            gate.Set();
            await Task.WhenAll(calls);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"recorded {n}"));
            break;
        }

        case "reserve":
        {
            var (user, n, estIn, estOut, commitIn, commitOut) = (positional[2], (int)Arg(3), Arg(4), Arg(5), Arg(6), Arg(7));
            var model = new QuotaReservationOptions { ModelId = positional.Count > 8 ? positional[8] : null };
            using var gate = new ManualResetEventSlim(false);
            var spread = System.Text.RegularExpressions.Regex.Match(user, @"^(.*)\{(\d+)\}$");
            string UserOf(int i) => spread.Success ? spread.Groups[1].Value + (i % int.Parse(spread.Groups[2].Value, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture) : user;
            var calls = Enumerable.Range(0, n).Select(i => Task.Run(async () =>
            {
                gate.Wait();
                var result = await checker.ReserveAsync(UserOf(i), estIn, estOut, model);
                if (!result.IsAllowed)
                {
                    return false;
                }

                await using var reservation = result.Reservation;
                var outcome = await reservation.CommitAsync(commitIn, commitOut);
                if (outcome != ReservationCommitOutcome.Committed)
                {
                    throw new InvalidOperationException($"Unexpected commit outcome {outcome}.");
                }

                return true;
            })).ToArray();
            gate.Set();
            var granted = (await Task.WhenAll(calls)).Count(g => g);
            Console.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture, $"granted {granted} denied {n - granted} committed {granted * commitIn} {granted * commitOut}"));
            break;
        }

        case "cycle":
        {
            var (user, callers, cycles, commitIn, commitOut) = (positional[2], (int)Arg(3), (int)Arg(4), Arg(5), Arg(6));
            var policy = provider.GetRequiredService<IRateLimitPolicy>();
            using var gate = new ManualResetEventSlim(false);
            var loops = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
            {
                gate.Wait();
                var (admittedHere, granted, denied) = (0, 0, 0);
                for (var i = 0; i < cycles; i++)
                {
                    if (!(await policy.AcquirePromptAsync(user)).IsAllowed)
                    {
                        continue;
                    }

                    admittedHere++;
                    var result = await checker.ReserveAsync(user, 100, 50);
                    if (!result.IsAllowed)
                    {
                        denied++;
                        continue;
                    }

                    granted++;
                    var outcome = await result.Reservation.CommitAsync(commitIn, commitOut);
                    if (outcome != ReservationCommitOutcome.Committed)
                    {
                        throw new InvalidOperationException($"Unexpected commit outcome {outcome}.");
                    }
                }

                return (admittedHere, granted, denied);
            })).ToArray();
            gate.Set();
            var counts = await Task.WhenAll(loops);
            Console.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture, $"admitted {counts.Sum(c => c.admittedHere)} granted {counts.Sum(c => c.granted)} denied {counts.Sum(c => c.denied)}"));
            break;
        }

        case "hold":
        {
            var (user, n, estIn, ttl) = (positional[2], (int)Arg(3), Arg(4), TimeSpan.FromMinutes(Arg(5)));
            var held = new List<QuotaReservation>();
            for (var i = 0; i < n; i++)
            {
                var result = await checker.ReserveAsync(user, estIn, 0, new QuotaReservationOptions { Ttl = ttl });
                if (result.IsAllowed)
                {
                    held.Add(result.Reservation);
                }
            }

            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"held {held.Count}"));
            Console.Out.Flush();
            await Task.Delay(Timeout.InfiniteTimeSpan);
            GC.KeepAlive(held);
            break;
        }

        default: // record-loop
        {
            var (prefix, workers) = (positional[2], (int)Arg(3));
            var loops = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
            {
                for (var i = 0; ; i++)
                {
                    var user = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{w}-{i}");
                    await checker.RecordAsync(user, 1, 2);
                    Console.Out.WriteLine($"acked {user};");
                }
            })).ToArray();
            await Task.WhenAll(loops);
            break;
        }
    }

    Console.Out.WriteLine("ok");
    return 0;
}
catch (Exception ex)
{
    await Console.Error.WriteLineAsync(ex.ToString());
    return 1;
}

/// <summary>A clock that stays at one instant, so processes share the tests' period and rate windows.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
