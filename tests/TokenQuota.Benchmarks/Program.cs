using BenchmarkDotNet.Running;
using TokenQuota.Benchmarks;

if (args.Contains("--quick"))
{
    // --postgres-only: just the PostgreSQL figures (for iterating on the PostgreSQL store).
    return await QuickHarness.RunAsync(postgresOnly: args.Contains("--postgres-only"));
}

BenchmarkSwitcher.FromAssembly(typeof(QuotaBenchmarks).Assembly).Run(args);
return 0;
