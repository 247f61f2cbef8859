using System.Diagnostics;

namespace TokenQuota.Testing;

/// <summary>
/// The PostgreSQL server the tests run against: the throwaway cluster build/test.sh starts, named by environment
/// variables. Without them the tests are skipped with a message saying how to run them.
/// </summary>
internal static class PostgresServer
{
    public const string ConnectionVariable = "TOKENQUOTA_POSTGRES_CONNECTION";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(ConnectionVariable);

    /// <summary>Skips the calling test unless a server is configured.</summary>
    public static string RequireConnectionString() =>
        ConnectionString is { Length: > 0 } cs
            ? cs
            : throw new IgnoreException(
                $"PostgreSQL tests need a server: run ./build/test.sh (it starts a throwaway cluster), or set {ConnectionVariable} " +
                "to a connection string of a server you own, e.g. \"Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres\".");

    /// <summary>Whether the tests may stop and start the server (build/test.sh's own cluster).</summary>
    public static bool CanRestart =>
        Environment.GetEnvironmentVariable("TOKENQUOTA_POSTGRES_PGCTL") is { Length: > 0 }
        && Environment.GetEnvironmentVariable("TOKENQUOTA_POSTGRES_DATA") is { Length: > 0 };

    public static void Stop() => PgCtl("-m fast -w stop");

    public static void Start() =>
        PgCtl($"-o \"{Environment.GetEnvironmentVariable("TOKENQUOTA_POSTGRES_OPTIONS")}\" -l \"{Environment.GetEnvironmentVariable("TOKENQUOTA_POSTGRES_DATA")}/../server.log\" -w -t 60 start");

    private static void PgCtl(string arguments)
    {
        var pgCtl = Environment.GetEnvironmentVariable("TOKENQUOTA_POSTGRES_PGCTL")!;
        var data = Environment.GetEnvironmentVariable("TOKENQUOTA_POSTGRES_DATA")!;
        var runAs = Environment.GetEnvironmentVariable("TOKENQUOTA_POSTGRES_RUNAS");
        var command = $"\"{pgCtl}\" -D \"{data}\" {arguments}";
        var start = string.IsNullOrEmpty(runAs)
            ? new ProcessStartInfo("/bin/sh", ["-c", command])
            : new ProcessStartInfo("runuser", ["-u", runAs, "--", "/bin/sh", "-c", command]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl {arguments} failed ({process.ExitCode}): {output}");
        }
    }
}
