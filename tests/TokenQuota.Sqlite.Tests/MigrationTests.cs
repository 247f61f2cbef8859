using Microsoft.Data.Sqlite;

namespace TokenQuota.Sqlite.Tests;

/// <summary>Migrations of one SQLite file by several OS processes at once (the store-agnostic migration tests are in TokenQuota.Stores.Tests).</summary>
public class MigrationTests : SqliteTestDatabase
{
    private static readonly string[] SeedProfileNames = ["Enterprise", "Free", "Pro", "Unlimited"];

    [Test]
    [Repeat(3)]
    public async Task TwoProcessesMigratingTheSameFreshFileAtOnceBothSucceed()
    {
        var goFile = Path.Combine(Folder, "go");
        using var first = TestHostProcess.Start("migrate", DbPath, "--go", goFile);
        using var second = TestHostProcess.Start("migrate", DbPath, "--go", goFile);
        await first.WaitUntilReadyAsync();
        await second.WaitUntilReadyAsync();
        await File.WriteAllTextAsync(goFile, "go");

        var firstResult = await first.WaitForExitAsync();
        var secondResult = await second.WaitForExitAsync();

        Assert.Multiple(() =>
        {
            Assert.That(firstResult.ExitCode, Is.Zero, firstResult.Output);
            Assert.That(secondResult.ExitCode, Is.Zero, secondResult.Output);
            Assert.That(
                Rows("SELECT name FROM consumption_profiles ORDER BY name;").Select(r => (string)r["name"]!),
                Is.EqualTo(SeedProfileNames));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles WHERE is_default = 1;"), Is.EqualTo(1));
            Assert.That(
                Rows("SELECT version, COUNT(*) AS n FROM tokenquota_schema_version GROUP BY version ORDER BY version;")
                    .Select(r => ((long)r["version"]!, (long)r["n"]!)),
                Is.EqualTo(Enumerable.Range(1, SqliteQuotaStore.LatestSchemaVersion).Select(v => ((long)v, 1L))));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_state;"), Is.EqualTo(1));
        });
    }
}
