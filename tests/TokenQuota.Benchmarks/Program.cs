using BenchmarkDotNet.Running;
using TokenQuota.Benchmarks;

if (args.Contains("--quick"))
{
    // --postgres-only: just the PostgreSQL figures (for iterating on the PostgreSQL store).
    return await QuickHarness.RunAsync(postgresOnly: args.Contains("--postgres-only"));
}

if (args.Length >= 2 && args[0] == "--probe")
{
    return await Probe.RunAsync(args[1], args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5);
}

BenchmarkSwitcher.FromAssembly(typeof(QuotaBenchmarks).Assembly).Run(args);
return 0;
