namespace TokenQuota.Cli.Tests;

/// <summary>
/// <c>--users-sql</c> and <c>--users-file</c> as the host's users: a real <c>users</c> table in the same SQLite file as
/// TokenQuota's tables, as in the seed's <c>tda_auth.db</c>.
/// </summary>
public class UsersSqlTests : CliTestBase
{
    private const string UsersSql = "SELECT id FROM users";

    [SetUp]
    public async Task CreateHostUsers()
    {
        await MigrateAsync();
        Execute("""
            CREATE TABLE users (id VARCHAR(36) PRIMARY KEY, username TEXT NOT NULL, age INTEGER, nickname TEXT);
            INSERT INTO users (id, username, age, nickname) VALUES
                ('u-alice', 'alice', 30, 'al'), ('u-bob', 'bob', 41, NULL), ('u-carol', 'carol', 25, ''), ('u-dave', 'dave', 52, 'd');
            """);
    }

    [Test]
    public async Task AssignUnlimitedCoversEveryUserOfTheHostsTable()
    {
        await RecordAsync("u-alice", 10, 5);
        await RecordAsync("store-only", 1, 1);
        await RunOkAsync("assign", "u-bob", "Pro");

        var text = (await RunOkAsync("assign-unlimited", "--users-sql", UsersSql)).Out;

        var unlimited = ProfileId("Unlimited");
        Assert.Multiple(() =>
        {
            Assert.That(Assignments(), Is.EqualTo(new Dictionary<string, long>
            {
                ["u-alice"] = unlimited,
                ["u-bob"] = ProfileId("Pro"),
                ["u-carol"] = unlimited,
                ["u-dave"] = unlimited,
                ["store-only"] = unlimited,
            }), "every host user without a profile, never-used ones too; u-bob keeps Pro");
            Assert.That(text, Does.Contain("to 4 users without an assignment"));
            Assert.That(text, Does.Contain("The host's users read from --users-file/--users-sql: 4;"));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM users;"), Is.EqualTo(4), "the host's table is only read");
        });
    }

    [Test]
    public async Task AssignUnlimitedJsonReportsTheDirectoryCountAndAFileAndAQueryCombine()
    {
        var file = WriteFile("more.txt", "u-alice\nfrom-file\n");

        var json = (await RunOkAsync("assign-unlimited", "--users-sql", UsersSql, "--users-file", file, "--json")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("directory_user_count").GetInt32(), Is.EqualTo(5), "u-alice in both counts once");
            Assert.That(json.GetProperty("users_assigned").GetInt32(), Is.EqualTo(5));
            Assert.That(Assignments().Keys, Is.EquivalentTo(new[] { "u-alice", "u-bob", "u-carol", "u-dave", "from-file" }));
        });
    }

    [Test]
    public async Task WithoutADirectoryTheJsonHasNoDirectoryCount()
    {
        var json = (await RunOkAsync("assign-unlimited", "--json")).Json();

        Assert.That(json.GetProperty("directory_user_count").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
    }

    [Test]
    public async Task AssignRefusesAUserMissingFromTheQueryAndAssignsOneInIt()
    {
        await AssertRefusedUnchangedAsync(2, "User not found: no user has the id 'mallory'", "assign", "mallory", "Pro", "--users-sql", UsersSql);

        await RunOkAsync("assign", "u-carol", "Pro", "--users-sql", UsersSql);
        await RunOkAsync("assign", "mallory", "none", "--users-sql", UsersSql);

        Assert.That(Assignments(), Is.EqualTo(new Dictionary<string, long> { ["u-carol"] = ProfileId("Pro") }));
    }

    [Test]
    public async Task AssignManyRefusesTheWholeFileWhenAnyIdIsUnknown()
    {
        var ids = WriteFile("ids.txt", "u-alice\nghost-1\nu-bob\nghost-2\n");

        var result = await AssertRefusedUnchangedAsync(2, "'ghost-1', 'ghost-2'", "assign-many", "--file", ids, "Pro", "--users-sql", UsersSql);

        Assert.That(result.Err, Does.Contain("Nothing was changed"));
    }

    [Test]
    public async Task AssignWithAUsersFileRefusesAnIdNotInIt()
    {
        var known = WriteFile("known.txt", "u-alice\n");

        await AssertRefusedUnchangedAsync(2, "User not found", "assign", "u-bob", "Pro", "--users-file", known);
    }

    [TestCase("SELEC id FROM users", "--users-sql failed: SQLite Error 1: 'near \"SELEC\": syntax error'")]
    [TestCase("SELECT id FROM no_such_table", "--users-sql failed: SQLite Error 1: 'no such table: no_such_table'")]
    [TestCase("PRAGMA foreign_keys = ON", "--users-sql returned no columns")]
    [TestCase("SELECT id, username FROM users", "--users-sql returned 2 columns; it must return the user ids in exactly one text column")]
    [TestCase("SELECT nickname FROM users ORDER BY username", "--users-sql row 2: the user id is NULL")]
    [TestCase("SELECT nickname FROM users WHERE nickname IS NOT NULL ORDER BY username", "--users-sql row 2: invalid user id '': The user id is empty")]
    [TestCase("SELECT '   ' FROM users", "--users-sql row 1: invalid user id '   ': The user id is whitespace only")]
    [TestCase("SELECT age FROM users ORDER BY username", "--users-sql row 1: the value 30 is a Int64, not text; cast the column to text")]
    [TestCase("SELECT id FROM users WHERE 0", "--users-sql returned no rows")]
    [TestCase("  ", "--users-sql is empty")]
    [TestCase("DELETE FROM users", "--users-sql failed: SQLite Error 8: 'attempt to write a readonly database'")]
    public async Task ABadQueryIsAUsageErrorAndChangesNothing(string sql, string message)
    {
        await RecordAsync("store-user", 1, 1);

        await AssertRefusedUnchangedAsync(1, message, "assign-unlimited", "--users-sql", sql);
        await AssertRefusedUnchangedAsync(1, message, "assign", "u-alice", "Pro", "--users-sql", sql);
    }

    [Test]
    public async Task AnIdLongerThanTheLimitNamesItsRow()
    {
        Execute($"INSERT INTO users (id, username) VALUES ('{new string('z', 129)}', 'zed');");

        await AssertRefusedUnchangedAsync(1, "--users-sql row 5: invalid user id", "assign-unlimited", "--users-sql", "SELECT id FROM users ORDER BY username");
    }

    [Test]
    public async Task RepeatedIdsFromAJoinCountOnce()
    {
        var json = (await RunOkAsync("assign-unlimited", "--json", "--users-sql", "SELECT a.id FROM users a CROSS JOIN users b")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("directory_user_count").GetInt32(), Is.EqualTo(4));
            Assert.That(json.GetProperty("users_assigned").GetInt32(), Is.EqualTo(4));
        });
    }

    private void Execute(string sql)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
