using Microsoft.Extensions.DependencyInjection;
using TokenQuota.Storage;

namespace TokenQuota.Stores.Tests;

/// <summary>
/// DESIGN §1 "one relational store": every SQL store keeps one logical schema, the same tables and views with the
/// same columns (each in its dialect's types), so the shared SQL and the operators' queries work on either.
/// </summary>
public class LogicalSchemaTests
{
    private readonly SqliteBackend sqlite = new();
    private readonly PostgresBackend postgres = new();

    [SetUp]
    public void CreateDatabases()
    {
        sqlite.SetUp();
        postgres.SetUp();
    }

    [TearDown]
    public async Task DropDatabases()
    {
        await sqlite.TearDownAsync();
        await postgres.TearDownAsync();
    }

    [Test]
    public async Task SqliteAndPostgreSqlHaveTheSameTablesViewsAndColumnsOnceMigrated()
    {
        await MigrateAsync(sqlite);
        await MigrateAsync(postgres);

        var expected = sqlite.LogicalSchema();
        Assert.That(expected, Has.Some.StartsWith("table tokenquota_prompt_windows: "), "the schema was read");
        Assert.That(postgres.LogicalSchema(), Is.EqualTo(expected));
    }

    private static async Task MigrateAsync(StoreBackend backend)
    {
        var services = new ServiceCollection();
        backend.Use(services.AddTokenQuotas());
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IQuotaStore>().MigrateAsync();
    }
}
