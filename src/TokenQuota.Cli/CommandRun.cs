using System.CommandLine;

namespace TokenQuota.Cli;

/// <summary>One running command: its services, parsed values, output mode and cancellation.</summary>
internal sealed class CommandRun(CliServices services, ParseResult parseResult, bool json, TextWriter output, CancellationToken cancellationToken)
{
    public CliServices Services { get; } = services;

    public IConsumptionProfileManager Profiles => Services.Profiles;

    public ParseResult ParseResult { get; } = parseResult;

    public bool Json { get; } = json;

    public TextWriter Out { get; } = output;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public T? Get<T>(Option<T> option) => ParseResult.GetValue(option);

    public T? Get<T>(Argument<T> argument) => ParseResult.GetValue(argument);

    /// <summary>Gets whether the option was given on the command line (not just defaulted).</summary>
    /// <param name="option">The option.</param>
    /// <returns><see langword="true"/> when the option appeared.</returns>
    public bool Given(Option option) => ParseResult.GetResult(option) is { Implicit: false };

    /// <summary>Writes the result: as JSON with <c>--json</c>, otherwise as text.</summary>
    /// <typeparam name="T">The type of the JSON result.</typeparam>
    /// <param name="result">The JSON result.</param>
    /// <param name="text">Writes the text form.</param>
    public void Write<T>(T result, Action<TextWriter> text)
    {
        if (Json)
        {
            JsonOutput.Write(Out, result);
        }
        else
        {
            text(Out);
        }
    }
}
