namespace TokenQuota.Cli.Tests;

public class ParsingTests : CliTestBase
{
    private static readonly string[][] AllCommands =
    [
        [],
        ["migrate"],
        ["profiles"],
        ["profiles", "list"],
        ["profiles", "show"],
        ["profiles", "create"],
        ["profiles", "update"],
        ["profiles", "delete"],
        ["profiles", "set-default"],
        ["profiles", "activate"],
        ["profiles", "deactivate"],
        ["assign"],
        ["assign-many"],
        ["assign-unlimited"],
        ["status"],
        ["usage"],
        ["audit"],
    ];

    [TestCaseSource(nameof(AllCommands))]
    public async Task EveryCommandHasHelp(string[] command)
    {
        var result = await RunOkAsync([.. command, "--help"]);

        Assert.Multiple(() =>
        {
            Assert.That(result.Out, Does.Contain("Usage:").And.Contain("tokenquota " + string.Join(' ', command)));
            Assert.That(result.Out, Does.Contain("--db").And.Contain("--json"));
            Assert.That(File.Exists(DbPath), Is.False, "help touches no database");
        });
    }

    [Test]
    public async Task UnknownOptionIsAUsageErrorAndChangesNothing()
    {
        await MigrateAsync();

        var result = await AssertRefusedUnchangedAsync(1, "Unrecognized command or argument '--frobnicate'", "assign", "alice", "Pro", "--frobnicate");

        Assert.That(result.Err, Does.Contain("tokenquota assign --help"));
    }

    [Test]
    public async Task MissingArgumentIsAUsageErrorAndChangesNothing()
    {
        await MigrateAsync();

        await AssertRefusedUnchangedAsync(1, "Required argument 'profile' missing", "assign", "alice");
    }

    [Test]
    public async Task UnknownCommandIsAUsageError()
    {
        var result = await RunAsync("explode");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.Err, Does.Contain("'explode'"));
        });
    }

    [Test]
    public async Task NoCommandIsAUsageError()
    {
        var result = await RunAsync([]);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.Err, Does.Contain("Required command was not provided"));
        });
    }

    [Test]
    public async Task NonNumericRateIsAUsageError()
    {
        await MigrateAsync();

        await AssertRefusedUnchangedAsync(1, "'many'", "profiles", "update", "Pro", "--prompts-per-hour", "many");
    }
}
