using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace TokenQuota.Extensions.AI.Tokenizers.Tests;

/// <summary>UseTokenQuotas() with the tiktoken estimator, on a real SQLite store, around a model that reports no usage.</summary>
public sealed class MiddlewareTests
{
    private string folder = null!;
    private ServiceProvider services = null!;

    private ITokenQuotaChecker Checker => services.GetRequiredService<ITokenQuotaChecker>();

    [SetUp]
    public void CreateStore()
    {
        folder = Path.Combine(Path.GetTempPath(), "tokenquota-tiktoken-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2025, 12, 5, 10, 0, 0, TimeSpan.Zero)));
        collection.AddLogging();
        collection.AddTokenQuotas().UseSqlite($"Data Source={Path.Combine(folder, "quota.db")}");
        services = collection.BuildServiceProvider();
    }

    [TearDown]
    public async Task DeleteStore()
    {
        await services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Test]
    public async Task TheMiddlewareReservesAndChargesTheTokenizerCount()
    {
        const string Answer = "The quick brown fox jumps over the lazy dog."; // 10 tokens in o200k_base
        long reservedInput = -1;
        long reservedOutput = -1;
        using var model = new UsagelessChatClient(Answer, async () =>
        {
            var status = await Checker.GetStatusAsync("alice");
            (reservedInput, reservedOutput) = (status.InputTokens.Reserved, status.OutputTokens.Reserved);
        });
        using var client = new ChatClientBuilder(model).UseTokenQuotas(o => o.UseTiktokenEstimator()).Build(services);
        List<ChatMessage> messages = [new(ChatRole.User, "hello world"), new(ChatRole.Assistant, "Hello, world!"), new(ChatRole.User, "こんにちは世界")];
        var expectedInput = TiktokenTokenEstimator.O200kBase.EstimateInputTokens(messages, null);

        await client.GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = 100 }.WithTokenQuotaUser("alice"));

        var after = await Checker.GetStatusAsync("alice");
        Assert.Multiple(() =>
        {
            Assert.That(expectedInput, Is.EqualTo((3 + 2) + (3 + 4) + (3 + 2) + 3), "the tokenizer's count plus the documented overhead");
            Assert.That(reservedInput, Is.EqualTo(expectedInput), "input reserved during the call");
            Assert.That(reservedOutput, Is.EqualTo(100), "output reserved during the call");
            Assert.That(after.InputTokens.Used, Is.EqualTo(expectedInput), "no usage reported: the input estimate is charged");
            Assert.That(after.OutputTokens.Used, Is.EqualTo(10), "no usage reported: the answer's tokens are charged");
            Assert.That(after.InputTokens.Reserved + after.OutputTokens.Reserved, Is.Zero, "nothing left reserved");
        });
    }

    /// <summary>A model that runs <c>during</c> while the call is in flight, then answers <c>answer</c> without usage.</summary>
    private sealed class UsagelessChatClient(string answer, Func<Task> during) : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            await during();
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, answer));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
