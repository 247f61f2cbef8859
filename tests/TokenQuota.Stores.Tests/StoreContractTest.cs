using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenQuota.Storage;

namespace TokenQuota.Stores.Tests;

/// <summary>
/// Base of the store contract tests: each test class derives from it and names the stores it runs on with
/// <c>[TestFixture(typeof(SqliteBackend))]</c> and <c>[TestFixture(typeof(PostgresBackend))]</c>. Per test: a fresh
/// database on the store, services built on it with a <see cref="FakeTimeProvider"/>, and raw SQL helpers (write SQL
/// both dialects accept: <c>@name</c> parameters, <c>WHERE is_default</c> rather than <c>= 1</c>).
/// </summary>
public abstract class StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    /// <summary>A Friday in December 2025, 10:00 UTC.</summary>
    protected static readonly DateTimeOffset Start = new(2025, 12, 5, 10, 0, 0, TimeSpan.Zero);

    private readonly List<ServiceProvider> providers = [];

    protected TBackend Backend { get; private set; } = null!;

    protected FakeTimeProvider Clock { get; private set; } = null!;

    [SetUp]
    public void CreateDatabase()
    {
        Clock = new FakeTimeProvider(Start);
        Backend = new TBackend();
        Backend.SetUp();
    }

    [TearDown]
    public async Task DropDatabase()
    {
        foreach (var provider in providers)
        {
            await provider.DisposeAsync();
        }

        providers.Clear();
        if (Backend is not null)
        {
            await Backend.TearDownAsync();
        }
    }

    /// <summary>Builds services on the test's database; disposed in teardown unless disposed earlier.</summary>
    protected ServiceProvider BuildServices(
        Action<TokenQuotaOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        bool autoMigrate = true) =>
        BuildServices(configure, services, builder => Backend.Use(builder, autoMigrate));

    /// <summary>Builds services with a store-specific <c>Use…()</c> call (the store's own test projects).</summary>
    protected ServiceProvider BuildServices(Action<TokenQuotaOptions>? configure, Action<IServiceCollection>? services, Action<ITokenQuotaBuilder> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(Clock);
        services?.Invoke(collection);
        use(collection.AddTokenQuotas(configure));
        var provider = collection.BuildServiceProvider();
        providers.Add(provider);
        return provider;
    }

    /// <summary>Builds services on the database and migrates it, returning the three public services.</summary>
    protected async Task<Services> StartAsync(Action<TokenQuotaOptions>? configure = null)
    {
        var provider = BuildServices(configure);
        await provider.GetRequiredService<IQuotaStore>().MigrateAsync();
        return new Services(provider);
    }

    /// <summary>Reads one value; integers, booleans and numerics convert to <typeparamref name="T"/>.</summary>
    protected T Scalar<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Backend.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        var result = command.ExecuteScalar();
        return result is null or DBNull ? default! : (T)Convert.ChangeType(result, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
    }

    protected void Execute(string sql)
    {
        using var connection = Backend.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Reads every row of a query as a dictionary of column name to value, in one shape on every store: DBNull is null,
    /// integers are <see cref="long"/> and booleans are 1 or 0 (as SQLite stores them).
    /// </summary>
    protected List<Dictionary<string, object?>> Rows(string sql)
    {
        using var connection = Backend.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
                {
                    int n => (long)n,
                    short n => (long)n,
                    bool b => b ? 1L : 0L,
                    var value => value,
                };
            }

            rows.Add(row);
        }

        return rows;
    }

    protected long AuditCount() => Scalar<long>("SELECT COUNT(*) FROM tokenquota_audit_log;");

    /// <inheritdoc cref="StoreBackend.Snapshot"/>
    protected SortedDictionary<string, List<string>> Snapshot() => Backend.Snapshot();

    protected async Task<long> ProfileIdAsync(IConsumptionProfileManager profiles, string name) =>
        (await profiles.ListAsync()).Single(p => p.Name == name).Id;

    /// <summary>Leaves no default profile, so a user without an assignment has no profile at all.</summary>
    protected async Task RemoveDefaultAsync(IConsumptionProfileManager profiles) =>
        await profiles.UpdateAsync(await ProfileIdAsync(profiles, "Free"), new ConsumptionProfileUpdate { IsDefault = false });

    protected sealed class Services(ServiceProvider provider)
    {
        public ServiceProvider Provider { get; } = provider;

        public ITokenQuotaChecker Checker => Provider.GetRequiredService<ITokenQuotaChecker>();

        public IRateLimitPolicy Rates => Provider.GetRequiredService<IRateLimitPolicy>();

        public IConsumptionProfileManager Profiles => Provider.GetRequiredService<IConsumptionProfileManager>();

        public IQuotaStore Store => Provider.GetRequiredService<IQuotaStore>();
    }
}
