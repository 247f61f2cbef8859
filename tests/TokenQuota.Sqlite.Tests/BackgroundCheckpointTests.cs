using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// The write-ahead log is checkpointed in the background: committed records reach the main database file without the
/// writer stopping to checkpoint, and long before the writer's own automatic checkpoint threshold.
/// </summary>
public class BackgroundCheckpointTests : SqliteTestDatabase
{
    private const int Users = 50;

    [Test]
    public async Task CommittedRecordsReachTheMainDatabaseFileInTheBackground()
    {
        var checker = BuildServices().GetRequiredService<ITokenQuotaChecker>();
        for (var i = 0; i < Users; i++)
        {
            await checker.RecordAsync($"user-{i}", 10, 5);
        }

        // A copy of the main file alone (without its -wal) holds only what has been checkpointed into it. Fifty
        // records write about a hundred WAL frames: far below the writer's automatic threshold (10,000), and below
        // SQLite's default (1,000), so without the background checkpoint the copy would hold none of them.
        var waited = Stopwatch.StartNew();
        var rows = -1L;
        while (rows < Users && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
            rows = CountRowsInACopyOfTheMainFile();
        }

        Assert.That(rows, Is.EqualTo(Users));
        Assert.That(SqliteConnectionFactory.WriterAutoCheckpointFrames, Is.GreaterThan(2 * Users), "the rows were not checkpointed by the writer's automatic checkpoint");
    }

    private long CountRowsInACopyOfTheMainFile()
    {
        var copy = Path.Combine(Folder, $"main-only-{Guid.NewGuid():N}.db");
        File.Copy(DbPath, copy);
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM user_token_usage;";
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            // Copied while a checkpoint was writing the file (or before the schema reached it): try again.
            return -1;
        }
    }
}
