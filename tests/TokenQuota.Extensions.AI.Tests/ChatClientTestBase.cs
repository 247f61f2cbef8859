using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace TokenQuota.Extensions.AI.Tests;

/// <summary>
/// Each test gets a real SQLite file in a fresh temp folder, TokenQuota on it (time fixed by a
/// <see cref="FakeTimeProvider"/>), a fake model and a fake log collector.
/// </summary>
public abstract class ChatClientTestBase
{
    protected static readonly DateTimeOffset Start = new(2025, 12, 5, 10, 0, 0, TimeSpan.Zero);

    protected string Folder { get; private set; } = null!;

    protected string DbPath => Path.Combine(Folder, "quota.db");

    protected ServiceProvider Services { get; private set; } = null!;

    protected FakeChatClient Model { get; private set; } = null!;

    protected FakeLoggerProvider Logs { get; private set; } = null!;

    protected ITokenQuotaChecker Checker => Services.GetRequiredService<ITokenQuotaChecker>();

    [SetUp]
    public void CreateStore()
    {
        Folder = Path.Combine(Path.GetTempPath(), "tokenquota-meai-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Logs = new FakeLoggerProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(Start));
        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        services.AddTokenQuotas().UseSqlite($"Data Source={DbPath}");
        Services = services.BuildServiceProvider();
        Model = new FakeChatClient();
    }

    [TearDown]
    public async Task DeleteStore()
    {
        Model.Dispose();
        await Services.DisposeAsync();
        Logs.Dispose();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    /// <summary>The pipeline under test: the fake model behind UseTokenQuotas().</summary>
    protected IChatClient Client(Action<TokenQuotaChatClientOptions>? configure = null) =>
        new ChatClientBuilder(Model).UseTokenQuotas(configure).Build(Services);

    /// <summary>Creates a profile with the given limits and assigns it to <paramref name="userId"/>.</summary>
    protected async Task AssignProfileAsync(string userId, long? inputLimit = 100_000, long? outputLimit = 50_000, int promptsPerHour = 1000)
    {
        var manager = Services.GetRequiredService<IConsumptionProfileManager>();
        var profile = await manager.CreateAsync(
            new NewConsumptionProfile
            {
                Name = "P-" + Guid.NewGuid().ToString("N")[..8],
                PromptsPerHour = promptsPerHour,
                PromptsPerDay = Math.Max(promptsPerHour, 1000),
                ConfigChangesPerHour = 10,
                InputTokensPerMonth = inputLimit,
                OutputTokensPerMonth = outputLimit,
            },
            "tests");
        await manager.AssignAsync(userId, profile.Id, "tests");
    }

    protected static ChatOptions For(string userId, int? maxOutputTokens = null) =>
        new ChatOptions { MaxOutputTokens = maxOutputTokens }.WithTokenQuotaUser(userId);

    protected static List<ChatMessage> Prompt(string text = "Explain fixed windows.") => [new(ChatRole.User, text)];

    /// <summary>The input estimate the default estimator makes for <paramref name="messages"/>.</summary>
    protected static long EstimatedInput(IEnumerable<ChatMessage> messages, ChatOptions? options = null) =>
        CharacterTokenEstimator.Default.EstimateInputTokens(messages, options);

    /// <summary>Asserts the user's committed usage and that nothing is left reserved (status and raw SQL).</summary>
    protected async Task AssertSettledAsync(string userId, long input, long output)
    {
        var status = await Checker.GetStatusAsync(userId);
        Assert.Multiple(() =>
        {
            Assert.That(status.InputTokens.Used, Is.EqualTo(input), "input used");
            Assert.That(status.OutputTokens.Used, Is.EqualTo(output), "output used");
            Assert.That(status.InputTokens.Reserved, Is.Zero, "input reserved");
            Assert.That(status.OutputTokens.Reserved, Is.Zero, "output reserved");
            Assert.That(HeldReservations(), Is.Zero, "held rows in tokenquota_reservations");
        });
    }

    protected long HeldReservations() => Scalar("SELECT COUNT(*) FROM tokenquota_reservations WHERE state = 'held';");

    protected long CommittedReservations(string userId) =>
        Scalar($"SELECT COUNT(*) FROM tokenquota_reservations WHERE state = 'committed' AND user_id = '{userId}';");

    protected long Scalar(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
