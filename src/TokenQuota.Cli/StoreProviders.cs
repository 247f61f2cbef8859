using System.CommandLine;

namespace TokenQuota.Cli;

/// <summary>The <c>--provider</c> option: its names, aliases and the error for an unknown one.</summary>
internal static class StoreProviders
{
    private static readonly string[] PostgresNames = ["postgres", "postgresql", "npgsql", "pg"];

    public static Option<StoreProvider> CreateOption() => new("--provider")
    {
        Description = "The store: sqlite (default) or postgres.",
        HelpName = "sqlite|postgres",
        DefaultValueFactory = _ => StoreProvider.Sqlite,
        Recursive = true,
        CustomParser = result =>
        {
            var value = result.Tokens.Count == 0 ? "sqlite" : result.Tokens[0].Value.Trim();
            if (string.Equals(value, "sqlite", StringComparison.OrdinalIgnoreCase))
            {
                return StoreProvider.Sqlite;
            }

            if (PostgresNames.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                return StoreProvider.Postgres;
            }

            result.AddError($"Unknown provider '{value}'; use sqlite or postgres.");
            return StoreProvider.Sqlite;
        },
    };

    public static string Name(StoreProvider provider) => provider == StoreProvider.Postgres ? "postgres" : "sqlite";
}
