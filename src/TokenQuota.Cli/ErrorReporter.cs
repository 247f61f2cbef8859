using Microsoft.Data.Sqlite;

namespace TokenQuota.Cli;

/// <summary>Turns a failed command into a message on stderr and an exit code (<see cref="ExitCodes"/>).</summary>
internal static class ErrorReporter
{
    public static int Report(Exception exception, TextWriter stderr)
    {
        switch (exception)
        {
            case CliUsageException usage:
                stderr.WriteLine("error: " + usage.Message);
                return ExitCodes.UsageError;

            case CliRefusedException refused:
                stderr.WriteLine("error: " + refused.Message);
                return ExitCodes.Refused;

            case ConsumptionProfileValidationException validation:
                stderr.WriteLine("error: the profile is invalid; nothing was changed.");
                foreach (var (field, messages) in validation.Errors)
                {
                    foreach (var message in messages)
                    {
                        stderr.WriteLine($"  {OptionFor(field)}: {message}");
                    }
                }

                return ExitCodes.Refused;

            case UnknownUserException unknown:
                stderr.WriteLine($"error: {Sentence(unknown.Message)} Only the users of --users-file/--users-sql can be assigned a profile. Nothing was changed.");
                return ExitCodes.Refused;

            case ConsumptionProfileConflictException or ConsumptionProfileNotFoundException:
                stderr.WriteLine($"error: {Sentence(exception.Message)} Nothing was changed.");
                return ExitCodes.Refused;

            case ConsumptionProfileOperationRefusedException refused:
                stderr.WriteLine($"error: refused: {WithHint(refused)} Nothing was changed.");
                return ExitCodes.Refused;

            case TokenQuotaStoreException store:
                stderr.WriteLine("error: the database failed: " + WithInner(store));
                return ExitCodes.Refused;

            case SqliteException or IOException or UnauthorizedAccessException:
                stderr.WriteLine("error: the database failed: " + WithInner(exception));
                return ExitCodes.Refused;

            case OperationCanceledException:
                stderr.WriteLine("error: cancelled.");
                return ExitCodes.Cancelled;

            case ArgumentException argument:
                stderr.WriteLine("error: " + UserIdFile.StripParamName(argument));
                return ExitCodes.UsageError;

            default:
                stderr.WriteLine($"error: unexpected {exception.GetType().Name}: {WithInner(exception)}");
                return ExitCodes.Refused;
        }
    }

    private static string Hint(ConsumptionProfileOperationRefusedException refused)
    {
        if (refused.Message.Contains(" first", StringComparison.Ordinal) || refused.Message.Contains(" before ", StringComparison.Ordinal))
        {
            return refused.Reason is ProfileRefusalReason.DefaultProfileCannotBeDeleted or ProfileRefusalReason.DefaultProfileCannotBeDeactivated
                ? " (tokenquota profiles set-default <profile>)."
                : string.Empty;
        }

        return refused.Reason switch
        {
            ProfileRefusalReason.ProfileInUse => " Name a profile to move its users to with --reassign-to <profile>.",
            ProfileRefusalReason.DefaultProfileCannotBeDeleted or ProfileRefusalReason.DefaultProfileCannotBeDeactivated =>
                " Make another profile the default first (tokenquota profiles set-default <profile>).",
            ProfileRefusalReason.ProfileInactive => " Activate it first (tokenquota profiles activate <profile>).",
            _ => string.Empty,
        };
    }

    private static string WithHint(ConsumptionProfileOperationRefusedException refused)
    {
        var hint = Hint(refused);
        var message = Sentence(refused.Message);
        return hint.StartsWith(" (", StringComparison.Ordinal) ? message[..^1] + hint : message + hint;
    }

    private static string Sentence(string message)
    {
        message = message.TrimEnd();
        return message.EndsWith('.') || message.EndsWith('!') || message.EndsWith('?') ? message : message + ".";
    }

    private static string WithInner(Exception exception)
    {
        var message = exception.Message.TrimEnd();
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!message.Contains(inner.Message, StringComparison.Ordinal))
            {
                message += " (" + inner.Message.TrimEnd() + ")";
            }
        }

        return message;
    }

    // A profile field as the option that sets it: anchor_day is --anchor-day, limits[1] the second --limit.
    private static string OptionFor(string field)
    {
        if (field.StartsWith("limits[", StringComparison.Ordinal) && int.TryParse(field.AsSpan(7, field.IndexOf(']', StringComparison.Ordinal) - 7), out var index))
        {
            return $"--limit #{index + 1}";
        }

        return field == "limits" ? "--limit" : "--" + field.Replace('_', '-');
    }
}
