using System.CommandLine;
using System.Text.Json;

namespace TokenQuota.Cli.Commands;

/// <summary><c>tokenquota prices …</c>: list, set, remove and import the model prices that cost limits are charged from.</summary>
internal static class PricesCommand
{
    public static Command Create(CliContext cli) => new(
        "prices",
        "Manage the model price catalogue: the price per million input, cached-input, output and reasoning tokens of each model " +
        "(an exact id or a prefix ending in '*'), from an instant on. Cost limits (meter 'cost') are charged from it, with the price " +
        "in force at the time of the usage. Prices are in the installation's currency, written as decimals with at most 6 decimals.")
    {
        List(cli),
        Set(cli),
        Remove(cli),
        Import(cli),
    };

    private static Command List(CliContext cli)
    {
        var command = new Command("list", "List every price, past, present and future, by model and instant.");
        cli.SetAction(command, async run =>
        {
            var prices = await run.Profiles.ListModelPricesAsync(run.CancellationToken).ConfigureAwait(false);
            run.Write(new ListResult(run.Services.Currency, prices), output => WriteTable(output, prices, run.Services.Currency));
        });
        return command;
    }

    private static Command Set(CliContext cli)
    {
        var model = ModelArgument("The model id, or a prefix ending in '*' (for example 'claude-sonnet-4*').");
        var input = PriceOption("--input", "The price of a million input tokens, for example 2.50.", required: true);
        var output = PriceOption("--output", "The price of a million output tokens, for example 10.", required: true);
        var cached = PriceOption("--cached-input", "The price of a million cached input tokens. Default: the input price.", required: false);
        var reasoning = PriceOption("--reasoning", "The price of a million reasoning tokens, where a provider bills them apart. Default: the output price.", required: false);
        var from = FromOption("The instant the price takes effect (ISO 8601; UTC when it has no offset). Default: always, until a later price of the model.");
        var command = new Command(
            "set",
            "Set the price of a model from an instant on, replacing its price from that same instant (the change is audited). " +
            "Past usage keeps the price it was charged at.")
        {
            model, input, output, cached, reasoning, from,
        };
        cli.SetAction(command, async run =>
        {
            var price = Read(run.Get(model), run.Get(from), run.Get(input), run.Get(output), run.Get(cached), run.Get(reasoning));
            var stored = await run.Profiles.SetModelPriceAsync(price, CliContext.Actor, run.CancellationToken).ConfigureAwait(false);
            run.Write(stored, text =>
            {
                text.WriteLine($"Set the price of '{stored.Model}' from {FromText(stored.EffectiveFrom)}.");
                WriteTable(text, [stored], run.Services.Currency);
            });
        });
        return command;
    }

    private static Command Remove(CliContext cli)
    {
        var model = ModelArgument("The model id or prefix, as the price names it (ignoring case).");
        var from = FromOption("The instant of the price to remove, as 'prices list' shows it. Default: the price in force always.");
        var command = new Command("remove", "Remove the price of a model from one instant (the change is audited).") { model, from };
        cli.SetAction(command, async run =>
        {
            // The price's own parsing judges the model and the instant; the placeholder prices are never stored.
            var key = Read(run.Get(model), run.Get(from), "0", "0", null, null);
            if (!await run.Profiles.RemoveModelPriceAsync(key.Model.Pattern, key.EffectiveFrom, CliContext.Actor, run.CancellationToken).ConfigureAwait(false))
            {
                throw new CliRefusedException($"No price of '{key.Model}' from {FromText(key.EffectiveFrom)}; 'tokenquota prices list' shows the prices. Nothing was changed.");
            }

            run.Write(new RemoveResult(key.Model.Pattern, key.EffectiveFrom, Removed: true), text =>
                text.WriteLine($"Removed the price of '{key.Model}' from {FromText(key.EffectiveFrom)}."));
        });
        return command;
    }

    private static Command Import(CliContext cli)
    {
        var file = new Option<FileInfo>("--file")
        {
            Description = "A JSON file holding an array of prices, each {\"model\", \"effective_from\", \"input_per_million\", " +
                "\"cached_input_per_million\", \"output_per_million\", \"reasoning_per_million\"} (see samples/prices.sample.json).",
            HelpName = "path",
            Required = true,
        };
        var command = new Command(
            "import",
            "Set every price of a JSON file in one audited transaction: all or none. A price of the same model and instant as a stored one replaces it.")
        {
            file,
        };
        cli.SetAction(command, async run =>
        {
            var path = run.Get(file)!;
            var prices = ReadFile(path);
            var changed = await run.Profiles.ImportModelPricesAsync(prices, CliContext.Actor, run.CancellationToken).ConfigureAwait(false);
            run.Write(new ImportResult(prices.Count, changed), text =>
                text.WriteLine($"Imported {Count(prices.Count)} from {path.Name}: {Format.Number(changed)} new or changed."));
        });
        return command;
    }

    private static void WriteTable(TextWriter output, IEnumerable<ModelPrice> prices, string currency)
    {
        var table = new TableWriter("MODEL", "EFFECTIVE FROM", "INPUT/M>", "CACHED INPUT/M>", "OUTPUT/M>", "REASONING/M>");
        foreach (var p in prices)
        {
            table.AddRow(
                p.Model.Pattern,
                FromText(p.EffectiveFrom),
                Money.Format(p.InputNanoPerMillion, currency),
                p.CachedInputNanoPerMillion is { } cached ? Money.Format(cached, currency) : "as input",
                Money.Format(p.OutputNanoPerMillion, currency),
                p.ReasoningNanoPerMillion is { } reasoning ? Money.Format(reasoning, currency) : "as output");
        }

        if (table.RowCount == 0)
        {
            output.WriteLine("No model prices. Set one with 'tokenquota prices set MODEL --input 2.50 --output 10', or import a file with 'tokenquota prices import --file prices.json'.");
            return;
        }

        table.Write(output);
    }

    private static string FromText(DateTimeOffset from) => from == ModelPrice.Always ? "always" : Format.Time(from);

    private static string Count(int prices) => prices == 1 ? "1 price" : Format.Number(prices) + " prices";

    /// <summary>Makes a price of the options' text, every problem named by its option; a usage error otherwise.</summary>
    private static ModelPrice Read(string? model, string? from, string? input, string? output, string? cached, string? reasoning)
    {
        if (ModelPrice.TryCreate(model, from, input, output, cached, reasoning, out var price, out var problems))
        {
            return price;
        }

        var lines = problems.Select(p => $"  {OptionFor(p.Key)}: {p.Value}");
        throw new CliUsageException("the price is invalid; nothing was changed." + Environment.NewLine + string.Join(Environment.NewLine, lines));
    }

    /// <summary>Reads every price of the file, naming each bad one by its index; a usage error otherwise.</summary>
    private static List<ModelPrice> ReadFile(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliUsageException($"The prices file '{file.FullName}' does not exist.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(file.FullName));
        }
        catch (JsonException ex)
        {
            throw new CliUsageException($"The prices file '{file.Name}' is not valid JSON: {ex.Message} Nothing was changed.");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() == 0)
            {
                throw new CliUsageException($"The prices file '{file.Name}' must hold a JSON array of one or more prices. Nothing was changed.");
            }

            var prices = new List<ModelPrice>();
            var problems = new List<string>();
            var index = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                try
                {
                    // ModelPrice's own JSON converter: the same fields and checks as the HTTP routes.
                    prices.Add(item.Deserialize<ModelPrice>()!);
                }
                catch (JsonException ex)
                {
                    problems.Add($"  prices[{index}]: {ex.Message}");
                }

                index++;
            }

            return problems.Count == 0
                ? prices
                : throw new CliUsageException($"the prices file '{file.Name}' is invalid; nothing was changed." + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }
    }

    // A price's field as the argument or option that sets it.
    private static string OptionFor(string field) => field switch
    {
        "model" => "<model>",
        "effective_from" => "--from",
        "input_per_million" => "--input",
        "output_per_million" => "--output",
        "cached_input_per_million" => "--cached-input",
        "reasoning_per_million" => "--reasoning",
        _ => field,
    };

    private static Argument<string> ModelArgument(string description) => new("model") { Description = description };

    private static Option<string> PriceOption(string name, string description, bool required) => new(name)
    {
        Description = description,
        HelpName = "price",
        Required = required,
    };

    private static Option<string> FromOption(string description) => new("--from") { Description = description, HelpName = "instant" };

    /// <summary>The JSON result of <c>prices list</c>: the currency and the prices in their own JSON form.</summary>
    internal sealed record ListResult(string Currency, IReadOnlyList<ModelPrice> Prices);

    /// <summary>The JSON result of <c>prices remove</c>.</summary>
    internal sealed record RemoveResult(string Model, DateTimeOffset EffectiveFrom, bool Removed);

    /// <summary>The JSON result of <c>prices import</c>: the prices in the file and how many of them were new or changed.</summary>
    internal sealed record ImportResult(int Imported, int Changed);
}
