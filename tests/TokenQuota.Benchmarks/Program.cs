using BenchmarkDotNet.Running;
using TokenQuota.Benchmarks;

if (args.Contains("--quick"))
{
    return await QuickHarness.RunAsync();
}

BenchmarkSwitcher.FromAssembly(typeof(QuotaBenchmarks).Assembly).Run(args);
return 0;
