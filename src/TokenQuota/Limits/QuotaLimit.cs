using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Serialization;

namespace TokenQuota;

/// <summary>
/// One limit of a profile: a meter counted over a window of the profile's calendar, for every model or those a filter
/// names, up to an amount (<see langword="null"/>: unlimited). Written as text
/// <c>meter/window[:algorithm]=amount[@model]</c>, for example <c>total_tokens/minute=20000@gpt-4o*</c>,
/// <c>prompts/minute:token_bucket=10</c> or <c>in_flight=4</c>.
/// </summary>
[JsonConverter(typeof(QuotaLimitJsonConverter))]
public sealed record QuotaLimit
{
    /// <summary>Creates a limit.</summary>
    /// <param name="meter">What is counted.</param>
    /// <param name="window">The window; <see langword="null"/> for <see cref="QuotaMeter.InFlight"/>, required for every other meter.</param>
    /// <param name="amount">The most the window admits, at least 0; <see langword="null"/> for unlimited.</param>
    /// <param name="model">The models it applies to; <see langword="null"/> for every model.</param>
    /// <param name="algorithm">How the window counts; other than <see cref="LimitAlgorithm.FixedWindow"/> only for a minute, hour or day.</param>
    /// <exception cref="ArgumentException">The combination is not a limit; the message says why.</exception>
    public QuotaLimit(QuotaMeter meter, QuotaWindow? window, long? amount, ModelFilter? model = null, LimitAlgorithm algorithm = LimitAlgorithm.FixedWindow)
    {
        foreach (var (field, message) in Problems(meter, window, amount, algorithm))
        {
            throw new ArgumentException(message, field);
        }

        Meter = meter;
        Window = window;
        Amount = amount;
        Model = model;
        Algorithm = algorithm;
        var text = ToString();
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var at = text.IndexOf('@', equals);
        Name = text[..equals] + (at < 0 ? string.Empty : text[at..]);
    }

    /// <summary>Gets what is counted.</summary>
    public QuotaMeter Meter { get; }

    /// <summary>Gets the window, or <see langword="null"/> for an in-flight limit.</summary>
    public QuotaWindow? Window { get; }

    /// <summary>Gets the most the window admits, or <see langword="null"/> for unlimited.</summary>
    public long? Amount { get; }

    /// <summary>Gets the models the limit applies to, or <see langword="null"/> for every model.</summary>
    public ModelFilter? Model { get; }

    /// <summary>Gets how the window counts.</summary>
    public LimitAlgorithm Algorithm { get; }

    /// <summary>Whether the limit applies to a request for <paramref name="modelId"/>.</summary>
    /// <param name="modelId">The request's model id, or <see langword="null"/> when the host did not say.</param>
    public bool AppliesTo(string? modelId) => Model is null || Model.Matches(modelId);

    /// <summary>Whether <paramref name="other"/> limits the same thing (meter, window and model), whatever its amount.</summary>
    /// <param name="other">Another limit.</param>
    public bool LimitsSameAs(QuotaLimit other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Meter == other.Meter && Window == other.Window && Equals(Model, other.Model);
    }

    /// <summary>
    /// Gets the limit's name: its text without the amount (<c>total_tokens/minute@gpt-4o*</c>). A store keeps the
    /// limit's counter under it, so a new amount keeps the usage counted; 429 answers name the limit by it.
    /// </summary>
    public string Name { get; }

    /// <summary>Writes the limit as text, the form <see cref="Parse"/> reads.</summary>
    public override string ToString()
    {
        var text = LimitNames.Of(Meter);
        if (Window is { } window)
        {
            text += "/" + LimitNames.Of(window);
        }

        if (Algorithm != LimitAlgorithm.FixedWindow)
        {
            text += ":" + LimitNames.Of(Algorithm);
        }

        text += "=" + (Amount is not { } amount ? "unlimited" : Meter == QuotaMeter.Cost ? Money.FormatAmount(amount) : amount.ToString(CultureInfo.InvariantCulture));
        return Model is null ? text : text + "@" + Model.Pattern;
    }

    /// <summary>
    /// Reads a limit written <c>meter/window[:algorithm]=amount[@model]</c> (amount a whole number or <c>unlimited</c>;
    /// for <c>cost</c>, an amount of the currency with up to nine decimals, such as <c>cost/month=25.50</c>).
    /// </summary>
    /// <param name="text">The text, for example <c>total_tokens/minute=20000@gpt-4o*</c>.</param>
    /// <exception cref="FormatException">The text is not a limit; the message says which part is wrong.</exception>
    public static QuotaLimit Parse(string text) =>
        TryParse(text, out var limit, out var error) ? limit : throw new FormatException(error);

    /// <summary>Reads a limit as <see cref="Parse"/> does, without throwing.</summary>
    /// <param name="text">The text.</param>
    /// <param name="limit">The limit read, or <see langword="null"/>.</param>
    /// <param name="error">Why the text is not a limit, or <see langword="null"/>.</param>
    /// <returns>Whether the text is a limit.</returns>
    public static bool TryParse(string? text, [NotNullWhen(true)] out QuotaLimit? limit, [NotNullWhen(false)] out string? error)
    {
        limit = null;
        var equals = text?.IndexOf('=') ?? -1;
        if (text is null || equals < 0)
        {
            error = $"'{text}' is not a limit; write meter/window=amount[@model], for example total_tokens/minute=20000@gpt-4o*.";
            return false;
        }

        var head = text[..equals].Trim();
        var tail = text[(equals + 1)..];
        var at = tail.IndexOf('@');
        var amountText = (at < 0 ? tail : tail[..at]).Trim();
        var modelText = at < 0 ? null : tail[(at + 1)..].Trim();
        var colon = head.IndexOf(':');
        var algorithmText = colon < 0 ? null : head[(colon + 1)..];
        var slash = (colon < 0 ? head : head[..colon]).Split('/');

        if (!LimitNames.TryParse(slash[0], out QuotaMeter meter))
        {
            error = $"Unknown meter '{slash[0].Trim()}' in '{text}'; the meters are {LimitNames.AllMeters}.";
            return false;
        }

        QuotaWindow? window = null;
        if (slash.Length > 1)
        {
            if (slash.Length > 2 || !LimitNames.TryParse(slash[1], out QuotaWindow given))
            {
                error = $"Unknown window '{string.Join('/', slash.Skip(1)).Trim()}' in '{text}'; the windows are {LimitNames.AllWindows}.";
                return false;
            }

            window = given;
        }

        var algorithm = LimitAlgorithm.FixedWindow;
        if (algorithmText is not null && !LimitNames.TryParse(algorithmText, out algorithm))
        {
            error = $"Unknown algorithm '{algorithmText.Trim()}' in '{text}'; the algorithms are {LimitNames.AllAlgorithms}.";
            return false;
        }

        long? amount = null;
        if (meter == QuotaMeter.Cost && !string.Equals(amountText, "unlimited", StringComparison.OrdinalIgnoreCase))
        {
            if (!Money.TryParse(amountText, 9, out var nano, out var moneyError))
            {
                error = $"The cost amount '{amountText}' in '{text}' is not an amount of the currency: {moneyError}";
                return false;
            }

            amount = nano;
        }
        else if (!string.Equals(amountText, "unlimited", StringComparison.OrdinalIgnoreCase))
        {
            if (!long.TryParse(amountText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                error = $"The amount '{amountText}' in '{text}' is not a whole number or 'unlimited'.";
                return false;
            }

            amount = value;
        }

        if (modelText is not null && ModelFilter.Problem(modelText) is { } modelProblem)
        {
            error = modelProblem;
            return false;
        }

        foreach (var (_, message) in Problems(meter, window, amount, algorithm))
        {
            error = message;
            return false;
        }

        limit = new QuotaLimit(meter, window, amount, modelText is null ? null : new ModelFilter(modelText), algorithm);
        error = null;
        return true;
    }

    /// <summary>
    /// Makes a limit from its JSON fields (<c>meter</c>, <c>window</c>, <c>algorithm</c>, <c>amount</c>, <c>model</c>),
    /// as the HTTP API and a profile's JSON write it, reporting every problem with the field it concerns.
    /// </summary>
    /// <param name="meter">The meter's name, for example <c>total_tokens</c>.</param>
    /// <param name="window">The window's name, for example <c>minute</c>; <see langword="null"/> for <c>in_flight</c>.</param>
    /// <param name="algorithm">The algorithm's name; <see langword="null"/> for <c>fixed_window</c>.</param>
    /// <param name="amount">The amount; <see langword="null"/> for unlimited.</param>
    /// <param name="model">The model filter (an exact id or a prefix ending in <c>*</c>); <see langword="null"/> for every model.</param>
    /// <param name="limit">The limit made, or <see langword="null"/>.</param>
    /// <param name="problems">Each problem as (field, message); empty when the limit was made.</param>
    /// <returns>Whether the fields make a limit.</returns>
    public static bool TryCreate(
        string? meter,
        string? window,
        string? algorithm,
        long? amount,
        string? model,
        [NotNullWhen(true)] out QuotaLimit? limit,
        out IReadOnlyList<KeyValuePair<string, string>> problems)
    {
        var found = new List<KeyValuePair<string, string>>();
        limit = null;
        if (!LimitNames.TryParse(meter, out QuotaMeter parsedMeter))
        {
            found.Add(new("meter", meter is null ? $"meter is required: one of {LimitNames.AllMeters}." : $"Unknown meter '{meter}'; the meters are {LimitNames.AllMeters}."));
        }

        QuotaWindow? parsedWindow = null;
        if (window is not null)
        {
            if (LimitNames.TryParse(window, out QuotaWindow given))
            {
                parsedWindow = given;
            }
            else
            {
                found.Add(new("window", $"Unknown window '{window}'; the windows are {LimitNames.AllWindows}."));
            }
        }

        var parsedAlgorithm = LimitAlgorithm.FixedWindow;
        if (algorithm is not null && !LimitNames.TryParse(algorithm, out parsedAlgorithm))
        {
            found.Add(new("algorithm", $"Unknown algorithm '{algorithm}'; the algorithms are {LimitNames.AllAlgorithms}."));
        }

        if (model is not null && ModelFilter.Problem(model) is { } modelProblem)
        {
            found.Add(new("model", modelProblem));
        }

        if (found.Count == 0)
        {
            found.AddRange(Problems(parsedMeter, parsedWindow, amount, parsedAlgorithm).Select(p => new KeyValuePair<string, string>(p.Field, p.Message)));
        }

        problems = found;
        if (found.Count > 0)
        {
            return false;
        }

        limit = new QuotaLimit(parsedMeter, parsedWindow, amount, model is null ? null : new ModelFilter(model), parsedAlgorithm);
        return true;
    }

    /// <summary>What is wrong with a combination, each with the JSON field it concerns; empty for a valid limit.</summary>
    internal static IEnumerable<(string Field, string Message)> Problems(QuotaMeter meter, QuotaWindow? window, long? amount, LimitAlgorithm algorithm)
    {
        if (!Enum.IsDefined(meter))
        {
            yield return ("meter", $"Unknown meter; the meters are {LimitNames.AllMeters}.");
            yield break;
        }

        if (window is { } w && !Enum.IsDefined(w))
        {
            yield return ("window", $"Unknown window; the windows are {LimitNames.AllWindows}.");
        }
        else if (meter == QuotaMeter.InFlight && window is not null)
        {
            yield return ("window", "An in_flight limit counts live requests and has no window; remove the window.");
        }
        else if (meter != QuotaMeter.InFlight && window is null)
        {
            yield return ("window", $"A {LimitNames.Of(meter)} limit needs a window: one of {LimitNames.AllWindows}.");
        }

        if (amount < 0)
        {
            yield return ("amount", $"The amount must be null (unlimited) or a non-negative integer; got {amount}.");
        }

        if (!Enum.IsDefined(algorithm))
        {
            yield return ("algorithm", $"Unknown algorithm; the algorithms are {LimitNames.AllAlgorithms}.");
        }
        else if (algorithm != LimitAlgorithm.FixedWindow && window is not (QuotaWindow.Minute or QuotaWindow.Hour or QuotaWindow.Day))
        {
            yield return ("algorithm", $"{LimitNames.Of(algorithm)} applies to a rate (a minute, hour or day window) only; use fixed_window here.");
        }
    }
}
