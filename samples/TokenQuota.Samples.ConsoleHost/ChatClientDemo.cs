using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenQuota.Extensions.AI;

namespace TokenQuota.Samples.ConsoleHost;

/// <summary>
/// <c>--chat-client</c>: the same quotas enforced by Microsoft.Extensions.AI middleware instead of hand-written calls.
/// The pipeline is <c>AddChatClient(model).UseFunctionInvocation().UseTokenQuotas()</c>; every call names its user
/// with <c>ChatOptions.WithTokenQuotaUser</c>, and refusals arrive as <see cref="TokenQuotaExceededException"/>.
/// </summary>
internal static class ChatClientDemo
{
    public static async Task RunAsync()
    {
        var runId = Guid.NewGuid().ToString("N")[..6];
        var databasePath = Path.GetFullPath("tokenquota-sample.db");

        var services = new ServiceCollection();
        services.AddLogging(logging => logging
            .AddSimpleConsole(console => console.SingleLine = true)
            .SetMinimumLevel(LogLevel.Warning));
        services.AddTokenQuotas(options => options.FailureMode = FailureMode.FailClosed)
            .UseSqlite($"Data Source={databasePath}");
        services.AddSingleton<DemoProfiles>();

        // The chat pipeline: the first Use… is the outermost layer, so TokenQuota sits next to the model and charges
        // every model round-trip of a tool loop (counting the user's prompt once).
        services.AddChatClient(new FakeChatModel())
            .UseFunctionInvocation()
            .UseTokenQuotas(options => options.DefaultMaxOutputTokens = 400);

        await using var provider = services.BuildServiceProvider();
        var chat = provider.GetRequiredService<IChatClient>();
        var manager = provider.GetRequiredService<IConsumptionProfileManager>();
        var checker = provider.GetRequiredService<ITokenQuotaChecker>();

        Console.WriteLine($"TokenQuota sample, Microsoft.Extensions.AI mode (--chat-client), run {runId}");
        Console.WriteLine($"Database: {databasePath}");
        Console.WriteLine("Pipeline: AddChatClient(FakeChatModel).UseFunctionInvocation().UseTokenQuotas()");
        Console.WriteLine();
        Console.WriteLine("Profiles");
        var profiles = provider.GetRequiredService<DemoProfiles>();
        var free = await profiles.GetOrCreateAsync("Free");
        var tight = await profiles.GetOrCreateAsync(DemoProfiles.DemoTight.Name);

        var alice = $"alice-{runId}";
        var dave = $"dave-{runId}";
        await manager.AssignAsync(alice, free.Id, DemoProfiles.Actor);
        await manager.AssignAsync(dave, tight.Id, DemoProfiles.Actor);

        Console.WriteLine();
        Console.WriteLine($"{alice} on Free: a streamed answer, charged from the stream's UsageContent");
        const string Question = "Explain fixed-window rate limiting in two sentences.";
        Console.WriteLine($"  > \"{Question}\"");
        Console.Write("    ");
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync(Question, new ChatOptions { MaxOutputTokens = 2_000 }.WithTokenQuotaUser(alice)))
        {
            Console.Write(update.Text);
            updates.Add(update);
        }

        Console.WriteLine();
        var usage = updates.ToChatResponse().Usage!;
        var aliceStatus = await checker.GetStatusAsync(alice);
        Console.WriteLine($"    streamed {updates.Count - 1} updates; provider reported {usage.InputTokenCount:N0} input + {usage.OutputTokenCount:N0} output tokens");
        Console.WriteLine($"    committed: {aliceStatus.InputTokens.Used:N0} input + {aliceStatus.OutputTokens.Used:N0} output; still reserved: {aliceStatus.InputTokens.Reserved + aliceStatus.OutputTokens.Reserved}");

        Console.WriteLine();
        Console.WriteLine($"{dave} on {DemoProfiles.DemoTight.Name} (3 prompts/hour): the fourth call is refused before the model is called");
        for (var i = 1; i <= 4; i++)
        {
            Console.WriteLine($"  > \"ping {i}\"");
            try
            {
                var response = await chat.GetResponseAsync($"ping {i}", new ChatOptions { MaxOutputTokens = 12 }.WithTokenQuotaUser(dave));
                Console.WriteLine($"    answered: {response.Usage!.InputTokenCount:N0} input + {response.Usage.OutputTokenCount:N0} output tokens committed");
            }
            catch (TokenQuotaExceededException refused)
            {
                Console.WriteLine($"    REFUSED ({refused.Reason}): {refused.Message}");
                Console.WriteLine($"    Retry-After: {refused.RetryAfter?.TotalSeconds:0} s; a host would answer 429");
            }
        }

        Console.WriteLine();
        Console.WriteLine("A call without a user id is an error, not a free pass:");
        try
        {
            await chat.GetResponseAsync("Who pays for this?");
        }
        catch (InvalidOperationException missing)
        {
            Console.WriteLine($"  {missing.GetType().Name}: {missing.Message[..missing.Message.IndexOf('.', StringComparison.Ordinal)]}.");
        }

        Console.WriteLine();
        StatusTable.Print([(alice, await checker.GetStatusAsync(alice)), (dave, await checker.GetStatusAsync(dave))]);
    }
}
