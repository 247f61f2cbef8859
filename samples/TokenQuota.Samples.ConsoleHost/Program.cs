using Microsoft.Extensions.DependencyInjection;
using TokenQuota;

// Minimal placeholder demo; the full demo is built on top of this.
var services = new ServiceCollection();
services.AddTokenQuotas().UseSqlite("Data Source=tokenquota-sample.db");
await using var provider = services.BuildServiceProvider();
var checker = provider.GetRequiredService<ITokenQuotaChecker>();
await checker.RecordAsync("alice", 1200, 300);
var status = await checker.GetStatusAsync("alice");
Console.WriteLine($"alice on {status.ProfileName}: {status.InputTokens.Used:N0} input tokens used in {status.Period}");
