// TokenQuota console demo: several users on the Free, Pro, Unlimited and small demo profiles (a rate limit, per-model limits, a cost budget) call a fake LLM,
// each call wrapped in AcquirePromptAsync → ReserveAsync → the call → CommitAsync. Refusals are printed with their
// messages; a status table and the run's estimate accuracy (read from the TokenQuota meter) end the run. Run it again: it reuses the database, with fresh user ids.
// With --chat-client it runs the Microsoft.Extensions.AI middleware demo instead (ChatClientDemo.cs).
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenQuota;
using TokenQuota.Samples.ConsoleHost;

using var accuracy = new EstimateAccuracyReport();
if (args.Contains("--chat-client"))
{
    await ChatClientDemo.RunAsync();
    Console.WriteLine();
    accuracy.Print();
    return;
}

var runId = Guid.NewGuid().ToString("N")[..6];
var databasePath = Path.GetFullPath("tokenquota-sample.db");

var services = new ServiceCollection();
services.AddLogging(logging => logging
    .AddSimpleConsole(console => console.SingleLine = true)
    .SetMinimumLevel(LogLevel.Warning)); // TokenQuota logs user ids and figures, never prompt text.
services.AddTokenQuotas(options => options.FailureMode = FailureMode.FailClosed)
    .UseSqlite($"Data Source={databasePath}");
services.AddSingleton<FakeLlm>();
services.AddSingleton<QuotaGuardedLlm>();
services.AddSingleton<DemoProfiles>();

await using var provider = services.BuildServiceProvider();
var manager = provider.GetRequiredService<IConsumptionProfileManager>();
var checker = provider.GetRequiredService<ITokenQuotaChecker>();

Console.WriteLine($"TokenQuota sample, run {runId}");
Console.WriteLine($"Database: {databasePath}{(File.Exists(databasePath) ? " (reused)" : " (new)")}");
Console.WriteLine();

// Prices from the sample catalogue (illustrative list prices, not a price list to rely on); importing unchanged prices writes nothing.
var catalogue = JsonSerializer.Deserialize<ModelPrice[]>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "prices.sample.json")))!;
var changedPrices = await manager.ImportModelPricesAsync(catalogue, DemoProfiles.Actor);
Console.WriteLine($"Prices: {catalogue.Length} models from prices.sample.json ({changedPrices} new or changed)");
Console.WriteLine();

Console.WriteLine("Profiles");
var profiles = new Dictionary<string, ConsumptionProfile>();
foreach (var name in DemoScript.Users.Select(u => u.ProfileName).OfType<string>().Distinct())
{
    profiles[name] = await provider.GetRequiredService<DemoProfiles>().GetOrCreateAsync(name);
}

var llm = provider.GetRequiredService<QuotaGuardedLlm>();
var rateLimits = provider.GetRequiredService<IRateLimitPolicy>();
var refusals = 0;
foreach (var user in DemoScript.Users)
{
    var userId = user.UserId(runId);
    Console.WriteLine();
    if (user.ProfileName is { } profileName)
    {
        await manager.AssignAsync(userId, profiles[profileName].Id, DemoProfiles.Actor);
    }

    var effective = await manager.GetEffectiveProfileAsync(userId);
    Console.WriteLine($"{userId} on {effective?.Name ?? "(no profile)"}: {user.Story}");
    foreach (var request in user.Requests)
    {
        refusals += await SendAsync(llm, userId, request) ? 0 : 1;
    }

    for (var i = 1; i <= user.ConfigChanges; i++)
    {
        refusals += await ChangeSettingsAsync(rateLimits, userId, i) ? 0 : 1;
    }
}

Console.WriteLine();
Console.WriteLine($"{refusals} refusals this run.");
Console.WriteLine();

var rows = new List<(string, QuotaStatus)>();
foreach (var user in DemoScript.Users)
{
    rows.Add((user.UserId(runId), await checker.GetStatusAsync(user.UserId(runId))));
}

StatusTable.Print(rows);
Console.WriteLine();

var alice = DemoScript.Users[0].UserId(runId);
Console.WriteLine($"GetStatusAsync(\"{alice}\") as JSON (the seed's quota-status shape):");
Console.WriteLine(JsonSerializer.Serialize(await checker.GetStatusAsync(alice), new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine();
foreach (var userId in new[] { "frank", "grace" }.Select(name => DemoScript.Users.Single(u => u.Name == name).UserId(runId)))
{
    Console.WriteLine($"The extra limits of {userId} (the \"limits\" array of the status):");
    foreach (var limit in (await checker.GetStatusAsync(userId)).Limits)
    {
        var name = $"{limit.Meter}/{limit.Window}{(limit.Model is { } model ? "@" + model : "")} ({limit.Algorithm})";
        var figures = limit.Currency is { } currency
            ? $"{Money.Format(limit.Used, currency),11} of {Money.Format(limit.Limit ?? 0, currency),7}"
            : $"{limit.Used,11:N0} of {limit.Limit,7:N0}";
        Console.WriteLine($"  {name,-42} {figures} used ({limit.PercentageUsed:0.0} %), resets {limit.ResetsAt:u}");
    }

    Console.WriteLine();
}

var byModel = await provider.GetRequiredService<IUsageReports>().GetModelTotalsAsync(QuotaPeriod.FromInstant(DateTimeOffset.UtcNow));
Console.WriteLine("Usage by model this month (every run, every user; IUsageReports.GetModelTotalsAsync):");
foreach (var row in byModel)
{
    Console.WriteLine($"  {row.ModelId,-14} {row.Calls,5:N0} calls {row.InputTokens,10:N0} in {row.OutputTokens,9:N0} out  {Money.Format(row.CostNanoUnits, "USD"),10}");
}

Console.WriteLine();
accuracy.Print();
Console.WriteLine();
Console.WriteLine("Run it again: the database is reused, the users get new ids, and team-shared keeps adding up.");
Console.WriteLine($"Coming from the original consumption-profiles feature? Carry its database over: tokenquota import-seed --from tda_auth.db --db {databasePath} --dry-run");

static async Task<bool> SendAsync(QuotaGuardedLlm llm, string userId, LlmRequest request)
{
    var attachment = request.AttachedDocumentTokens > 0 ? $" + {request.AttachedDocumentTokens:N0}-token document" : "";
    Console.WriteLine($"  > \"{request.Prompt}\"{attachment}");
    var outcome = await llm.SendAsync(userId, request);
    Console.WriteLine(outcome.Response is { } response
        ? $"    answered: {response.InputTokens:N0} input + {response.OutputTokens:N0} output tokens committed"
        : $"    REFUSED by {outcome.RefusedBy}: {outcome.Message}");
    return outcome.IsAnswered;
}

static async Task<bool> ChangeSettingsAsync(IRateLimitPolicy rateLimits, string userId, int attempt)
{
    Console.WriteLine($"  * configuration change #{attempt} (e.g. switching the model)");
    var decision = await rateLimits.AcquireConfigChangeAsync(userId);
    Console.WriteLine(decision.IsAllowed
        ? $"    allowed: {decision.Remaining} left this hour"
        : $"    REFUSED by rate limit: {decision.Message}");
    return decision.IsAllowed;
}
