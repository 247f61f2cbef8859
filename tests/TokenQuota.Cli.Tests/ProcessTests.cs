using System.Diagnostics;
using System.Text.Json;

namespace TokenQuota.Cli.Tests;

/// <summary>Runs <c>dotnet TokenQuota.Cli.dll …</c> as a real OS process: exit codes, stdout and stderr as an operator sees them.</summary>
public class ProcessTests : CliTestBase
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static string CliDll => Path.Combine(AppContext.BaseDirectory, "TokenQuota.Cli.dll");

    [Test]
    public void TheCliIsCopiedToTheTestOutput()
    {
        Assert.Multiple(() =>
        {
            Assert.That(CliDll, Does.Exist);
            Assert.That(Path.ChangeExtension(CliDll, ".runtimeconfig.json"), Does.Exist);
        });
    }

    [Test]
    public async Task SeedWorkflowInTheCurrentFolderWithTheDefaultDatabase()
    {
        var migrate = await RunProcessAsync("migrate");
        var assign = await RunProcessAsync("assign-unlimited", "--json");
        var list = await RunProcessAsync("profiles", "list", "--json");

        using var profiles = JsonDocument.Parse(list.Out);
        using var summary = JsonDocument.Parse(assign.Out);
        Assert.Multiple(() =>
        {
            Assert.That(migrate.ExitCode, Is.Zero, migrate.ToString);
            Assert.That(File.Exists(Path.Combine(Folder, "tokenquota.db")), Is.True, "the default database is tokenquota.db in the current folder");
            Assert.That(assign.ExitCode, Is.Zero, assign.ToString);
            Assert.That(summary.RootElement.GetProperty("users_assigned").GetInt32(), Is.Zero);
            Assert.That(list.ExitCode, Is.Zero, list.ToString);
            Assert.That(list.Err, Is.Empty);
            Assert.That(profiles.RootElement[0].GetProperty("name").GetString(), Is.EqualTo("Unlimited"));
            Assert.That(profiles.RootElement[0].GetProperty("is_default").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task StatusJsonOnStdout()
    {
        await MigrateAsync();

        var result = await RunProcessAsync("status", "alice", "--json", "--db", DbPath);

        using var json = JsonDocument.Parse(result.Out);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.ToString);
            Assert.That(result.Err, Is.Empty);
            Assert.That(json.RootElement.GetProperty("profile_name").GetString(), Is.EqualTo("Free"));
            Assert.That(json.RootElement.GetProperty("input_tokens").GetProperty("limit").GetInt64(), Is.EqualTo(100_000));
        });
    }

    [Test]
    public async Task MalformedPeriodExitsOneWithTheMessageOnStderr()
    {
        await MigrateAsync();

        var result = await RunProcessAsync("usage", "--period", "2025-13", "--db", DbPath);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.Out, Is.Empty);
            Assert.That(result.Err, Does.Contain("Invalid period '2025-13'"));
        });
    }

    [Test]
    public async Task RefusedOperationExitsTwoWithTheMessageOnStderr()
    {
        await MigrateAsync();

        var result = await RunProcessAsync("profiles", "delete", "Free", "--db", DbPath);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Out, Is.Empty);
            Assert.That(result.Err, Does.Contain("Cannot delete the default profile"));
            Assert.That(ProfileRows().ContainsKey("Free"), Is.True);
        });
    }

    private async Task<CliResult> RunProcessAsync(params string[] args)
    {
        var info = new ProcessStartInfo(DotnetPath())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Folder,
        };
        info.ArgumentList.Add(CliDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"tokenquota {string.Join(' ', args)} did not exit within {Timeout}.");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static string DotnetPath()
    {
        var fromHost = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromHost) && File.Exists(fromHost))
        {
            return fromHost;
        }

        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}
