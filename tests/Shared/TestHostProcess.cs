using System.Diagnostics;
using System.Text;

namespace TokenQuota.Testing;

/// <summary>
/// Runs <c>dotnet TokenQuota.TestHost.dll …</c> as a separate OS process (the TestHost project is referenced,
/// so its .dll and .runtimeconfig.json are copied next to the tests).
/// </summary>
internal sealed class TestHostProcess : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> lines = [];
    private readonly List<(Func<string, bool> Predicate, TaskCompletionSource Seen)> waiters = [];

    private TestHostProcess(Process process)
    {
        this.process = process;
    }

    public static string HostDll { get; } = Path.Combine(AppContext.BaseDirectory, "TokenQuota.TestHost.dll");

    public static TestHostProcess Start(params string[] args)
    {
        Assert.That(HostDll, Does.Exist, "the TestHost must be copied to the test output");
        Assert.That(Path.ChangeExtension(HostDll, ".runtimeconfig.json"), Does.Exist);
        var info = new ProcessStartInfo(DotnetPath())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(HostDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var host = new TestHostProcess(process);
        process.OutputDataReceived += (_, e) => host.OnLine(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => host.OnLine(e.Data, isError: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>
    /// Starts one host per argument list, each with <c>--go &lt;goFile&gt;</c>, waits until all are ready, then creates the
    /// go-file so they start their work at the same moment.
    /// </summary>
    public static async Task<TestHostProcess[]> StartTogetherAsync(string goFile, IEnumerable<string[]> argumentLists)
    {
        var hosts = argumentLists.Select(a => Start([.. a, "--go", goFile])).ToArray();
        foreach (var host in hosts)
        {
            await host.WaitUntilReadyAsync();
        }

        await File.WriteAllTextAsync(goFile, "go");
        return hosts;
    }

    /// <summary>Waits until the host printed "ready" (it then waits for its go-file).</summary>
    public async Task WaitUntilReadyAsync()
    {
        var finished = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(Timeout));
        if (finished != ready.Task)
        {
            Assert.Fail($"The TestHost did not become ready. Output:{Environment.NewLine}{Output}");
        }
    }

    public async Task<(int ExitCode, string Output)> WaitForExitAsync()
    {
        using var cancellation = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The TestHost did not exit within {Timeout}. Output:{Environment.NewLine}{Output}");
        }

        return (process.ExitCode, Output);
    }

    /// <summary>Waits until the host printed a line on stdout that matches <paramref name="predicate"/>.</summary>
    public async Task WaitForLineAsync(Func<string, bool> predicate, string description)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (output)
        {
            if (lines.Exists(l => predicate(l)))
            {
                return;
            }

            waiters.Add((predicate, seen));
        }

        var finished = await Task.WhenAny(seen.Task, process.WaitForExitAsync(), Task.Delay(Timeout));
        if (finished != seen.Task && !seen.Task.IsCompleted)
        {
            Assert.Fail($"The TestHost did not print {description}. Output:{Environment.NewLine}{Output}");
        }
    }

    /// <summary>Kills the host with SIGKILL (on Linux, <see cref="Process.Kill(bool)"/> sends SIGKILL) and waits until it is gone and its output is drained.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>Gets the lines the host printed on stdout so far.</summary>
    public IReadOnlyList<string> StdoutLines
    {
        get
        {
            lock (output)
            {
                return lines.ToArray();
            }
        }
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
    }

    private string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    private void OnLine(string? line, bool isError)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Append(isError ? "[stderr] " : "[stdout] ").AppendLine(line);
            if (!isError)
            {
                lines.Add(line);
                foreach (var waiter in waiters.Where(w => w.Predicate(line)).ToArray())
                {
                    waiters.Remove(waiter);
                    waiter.Seen.TrySetResult();
                }
            }
        }

        if (!isError && line == "ready")
        {
            ready.TrySetResult();
        }
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
