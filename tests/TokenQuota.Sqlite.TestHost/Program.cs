using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using TokenQuota;

// A tiny host the SQLite integration tests start as separate OS processes.
//
//   migrate <dbpath>                  migrates the database
//   record  <dbpath> <user> <n>       records 1 input and 2 output tokens, n times
//   acquire <dbpath> <user> <n>       tries n prompts; prints "admitted <count>"
//
// Options: --at <unix-ms> fixes the clock (default: the real clock); --go <file> prints "ready" once the services
// are built, then waits for <file> to exist, so several processes can start the work at the same moment.
// Exit code 0 and "ok" on success; 1 and the exception on stderr on failure; 2 on bad arguments.
var positional = new List<string>();
DateTimeOffset? at = null;
string? goFile = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--at" when i + 1 < args.Length:
            at = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(args[++i], CultureInfo.InvariantCulture));
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
    4 => positional[0] is "record" or "acquire",
    _ => false,
};
if (!valid)
{
    Console.Error.WriteLine("usage: migrate <dbpath> | record <dbpath> <user> <n> | acquire <dbpath> <user> <n>  [--at <unix-ms>] [--go <file>]");
    return 2;
}

try
{
    var services = new ServiceCollection();
    if (at is { } fixedTime)
    {
        services.AddSingleton<TimeProvider>(new FixedTimeProvider(fixedTime));
    }

    services.AddTokenQuotas().UseSqlite($"Data Source={positional[1]}", o => o.BusyTimeout = TimeSpan.FromSeconds(20));
    await using var provider = services.BuildServiceProvider();

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
            var checker = provider.GetRequiredService<ITokenQuotaChecker>();
            for (var i = 0; i < int.Parse(positional[3], CultureInfo.InvariantCulture); i++)
            {
                await checker.RecordAsync(positional[2], 1, 2);
            }

            break;
        default:
            var rates = provider.GetRequiredService<IRateLimitPolicy>();
            var admitted = 0;
            for (var i = 0; i < int.Parse(positional[3], CultureInfo.InvariantCulture); i++)
            {
                admitted += (await rates.AcquirePromptAsync(positional[2])).IsAllowed ? 1 : 0;
            }

            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"admitted {admitted}"));
            break;
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
