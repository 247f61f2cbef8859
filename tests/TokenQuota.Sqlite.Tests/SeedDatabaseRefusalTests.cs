using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using TokenQuota.Storage;
using TokenQuota.Testing;

namespace TokenQuota.Sqlite.Tests;

/// <summary>A store pointed at the original feature's tda_auth.db refuses it, names the import command and leaves the file untouched.</summary>
public class SeedDatabaseRefusalTests : SqliteTestDatabase
{
    [Test]
    public async Task AStoreOnASeedDatabaseRefusesItWithTheImportCommandAndChangesNothingInTheFile()
    {
        SeedDatabase.Create(DbPath).User("u-1", "alice", 2).Usage("u-1", "2026-12", 10, 5, "2026-12-01 10:00:00.000000", "2026-12-02 11:00:00.000000");
        var before = await File.ReadAllBytesAsync(DbPath);
        var provider = BuildServices();

        var migrate = await Capture(Run(async () => await provider.GetRequiredService<IQuotaStore>().MigrateAsync()));
        var record = await Capture(Run(async () => await provider.GetRequiredService<ITokenQuotaChecker>().RecordAsync("u-1", 1, 1)));
        SqliteConnection.ClearAllPools();
        await provider.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(migrate, Is.TypeOf<SeedDatabaseException>());
            Assert.That(migrate!.Message, Does.Contain("tokenquota import-seed").And.Contain(DbPath));
            Assert.That(((SeedDatabaseException)migrate).Database, Is.EqualTo(DbPath));
            Assert.That(record, Is.InstanceOf<TokenQuotaStoreException>());
            Assert.That(record!.ToString(), Does.Contain("tokenquota import-seed"));
            Assert.That(SHA256.HashData(File.ReadAllBytes(DbPath)), Is.EqualTo(SHA256.HashData(before)), "the seed's file changed");
            Assert.That(File.Exists(DbPath + "-wal"), Is.False, "the file was switched to WAL");
        });
    }

    private static async Task<bool> Run(Func<Task> call)
    {
        await call();
        return true;
    }

    [Test]
    public async Task AFileThatOnlyHasAHostUsersTableIsMigratedBesideIt()
    {
        SeedDatabase.CreateEmpty(DbPath).Execute("DROP TABLE consumption_profiles; DROP TABLE user_token_usage;");

        var services = await StartAsync();

        Assert.That((await services.Profiles.ListAsync()).Select(p => p.Name), Does.Contain("Free"));
        Assert.That(Scalar<long>("SELECT COUNT(*) FROM users;"), Is.Zero);
    }
}
