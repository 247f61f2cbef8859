using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace TokenQuota.Cli;

/// <summary>Options and value parsers that several commands share (each command gets its own instances).</summary>
internal static class CommonOptions
{
    public static Option<int> Offset() => new("--offset")
    {
        Description = "How many rows to skip (0 or more).",
        HelpName = "n",
        DefaultValueFactory = _ => 0,
        Validators = { RequireRange(0, int.MaxValue) },
    };

    public static Option<int> Limit() => new("--limit")
    {
        Description = $"How many rows to show, 1 to {Paging.MaxLimit}.",
        HelpName = "n",
        DefaultValueFactory = _ => 100,
        Validators = { RequireRange(1, Paging.MaxLimit) },
    };

    /// <summary>A non-negative whole-number option whose absence means "unchanged" (for create, the default).</summary>
    /// <param name="name">The option name.</param>
    /// <param name="description">The help text.</param>
    /// <returns>The option.</returns>
    public static Option<int?> Count(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "n",
    };

    /// <summary>A monthly token limit option: a whole number or <c>unlimited</c>.</summary>
    /// <param name="name">The option name.</param>
    /// <param name="description">The help text.</param>
    /// <returns>The option.</returns>
    public static Option<TokenLimit?> TokenLimitOption(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "n|unlimited",
        CustomParser = result => ParseTokenLimit(result, name),
    };

    /// <summary>An instant option: ISO 8601, a date alone meaning midnight UTC, no offset meaning UTC.</summary>
    /// <param name="name">The option name.</param>
    /// <param name="description">The help text.</param>
    /// <returns>The option.</returns>
    public static Option<DateTimeOffset?> Instant(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "time",
        CustomParser = result => ParseInstant(result, name),
    };

    /// <summary>Validates a user id given on the command line.</summary>
    /// <param name="userId">The user id.</param>
    /// <returns>The same id.</returns>
    /// <exception cref="CliUsageException">The id is invalid; the message names it.</exception>
    public static string ValidUserId(string? userId)
    {
        try
        {
            UserIds.Validate(userId);
            return userId!;
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException($"Invalid user id '{userId}': {UserIdFile.StripParamName(ex)}");
        }
    }

    private static Action<OptionResult> RequireRange(int min, int max) => result =>
    {
        if (result.Implicit || result.Tokens.Count == 0)
        {
            return;
        }

        var value = result.GetValueOrDefault<int>();
        if (value < min || value > max)
        {
            var name = result.Option.Name;
            result.AddError(max == int.MaxValue
                ? $"{name} must be {min} or more, not {value}."
                : $"{name} must be {min} to {max}, not {value}.");
        }
    };

    private static TokenLimit? ParseTokenLimit(ArgumentResult result, string name)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value.Trim();
        if (string.Equals(text, "unlimited", StringComparison.OrdinalIgnoreCase))
        {
            return new TokenLimit(null);
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return new TokenLimit(value);
        }

        result.AddError($"'{text}' is not a token limit for {name}: use a whole number (0 or more) or 'unlimited'.");
        return null;
    }

    private static DateTimeOffset? ParseInstant(ArgumentResult result, string name)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value.Trim();
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var value))
        {
            return value.ToUniversalTime();
        }

        result.AddError($"'{text}' is not a time for {name}: use ISO 8601, for example 2025-12-01 or 2025-12-01T10:00:00Z.");
        return null;
    }
}

/// <summary>A monthly token limit given on the command line; <see cref="Value"/> <see langword="null"/> means unlimited.</summary>
/// <param name="Value">The limit, or <see langword="null"/> for unlimited.</param>
internal readonly record struct TokenLimit(long? Value);
