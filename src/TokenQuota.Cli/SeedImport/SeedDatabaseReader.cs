using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace TokenQuota.Cli.SeedImport;

/// <summary>
/// Reads a <c>tda_auth.db</c> of the original consumption-profiles feature, read-only, and checks every row against
/// TokenQuota's rules first: a file that is not SQLite, a missing table or column, or a row that breaks a rule is
/// refused with the table, the row id and the reason, so an import never writes half of a bad file.
/// </summary>
internal static partial class SeedDatabaseReader
{
    /// <summary>How many row errors one refusal lists.</summary>
    private const int MaxListedErrors = 20;

    /// <summary>Reads and validates the file.</summary>
    /// <param name="path">The seed database file.</param>
    /// <param name="usersTable">The host's users table, holding <c>id</c> and <c>consumption_profile_id</c>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The installation.</returns>
    /// <exception cref="CliUsageException">The file, a table or a row is not usable; the message says which and why.</exception>
    public static async Task<SeedInstallation> ReadAsync(string path, string usersTable, CancellationToken cancellationToken)
    {
        if (!IdentifierPattern().IsMatch(usersTable))
        {
            throw new CliUsageException($"--users-table '{usersTable}' is not a table name (letters, digits and underscores, not starting with a digit).");
        }

        if (!File.Exists(path))
        {
            throw new CliUsageException($"The seed database '{path}' does not exist.");
        }

        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var tables = await ReadTablesAsync(connection, cancellationToken).ConfigureAwait(false);
            CheckTables(path, tables, usersTable);
            await CheckUsersColumnsAsync(connection, path, usersTable, cancellationToken).ConfigureAwait(false);

            var errors = new List<string>();
            var profiles = await ReadProfilesAsync(connection, errors, cancellationToken).ConfigureAwait(false);
            var assignments = await ReadAssignmentsAsync(connection, usersTable, errors, cancellationToken).ConfigureAwait(false);
            var usage = await ReadUsageAsync(connection, errors, cancellationToken).ConfigureAwait(false);
            if (errors.Count > 0)
            {
                var listed = string.Join(Environment.NewLine, errors.Take(MaxListedErrors).Select(e => "  " + e));
                var more = errors.Count > MaxListedErrors ? $"{Environment.NewLine}  … and {errors.Count - MaxListedErrors} more" : string.Empty;
                throw new CliUsageException(
                    $"The seed database '{path}' has {errors.Count} row(s) TokenQuota cannot carry over; nothing was written. Fix them in the file and run again:{Environment.NewLine}{listed}{more}");
            }

            return new SeedInstallation(path, profiles, assignments, usage);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 26 or 11)
        {
            throw new CliUsageException($"'{path}' is not a SQLite database ({ex.Message}).");
        }
    }

    private static async Task<HashSet<string>> ReadTablesAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table';";
        var tables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private static void CheckTables(string path, HashSet<string> tables, string usersTable)
    {
        if (tables.Contains("tokenquota_schema_version"))
        {
            throw new CliUsageException($"'{path}' is a TokenQuota database, not one of the original consumption-profiles feature; there is nothing to import.");
        }

        var missing = new[] { "consumption_profiles", "user_token_usage" }.Where(t => !tables.Contains(t)).ToArray();
        if (missing.Length > 0)
        {
            throw new CliUsageException(
                $"'{path}' has no {string.Join(" or ", missing)} table, so it is not a database of the original consumption-profiles feature.");
        }

        if (!tables.Contains(usersTable))
        {
            throw new CliUsageException($"'{path}' has no table '{usersTable}'; name the host's users table with --users-table.");
        }
    }

    private static async Task CheckUsersColumnsAsync(SqliteConnection connection, string path, string usersTable, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info($table);";
        command.Parameters.AddWithValue("$table", usersTable);
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                columns.Add(reader.GetString(0));
            }
        }

        var missing = new[] { "id", "consumption_profile_id" }.Where(c => !columns.Contains(c)).ToArray();
        if (missing.Length > 0)
        {
            throw new CliUsageException(
                $"The table '{usersTable}' in '{path}' has no {string.Join(" or ", missing)} column; the original feature's migration adds consumption_profile_id to the host's users table.");
        }
    }

    private static async Task<IReadOnlyList<SeedProfile>> ReadProfilesAsync(SqliteConnection connection, List<string> errors, CancellationToken cancellationToken)
    {
        const string Sql = """
            SELECT id, name, description, prompts_per_hour, prompts_per_day, config_changes_per_hour,
                   input_tokens_per_month, output_tokens_per_month, is_default, is_active, created_at
            FROM consumption_profiles ORDER BY id;
            """;
        var profiles = new List<SeedProfile>();
        await foreach (var row in ReadRowsAsync(connection, Sql, "consumption_profiles", errors, cancellationToken).ConfigureAwait(false))
        {
            var name = row.Text("name");
            var profile = new NewConsumptionProfile
            {
                Name = name ?? string.Empty,
                Description = row.Text("description"),
                PromptsPerHour = row.Int32("prompts_per_hour") ?? 0,
                PromptsPerDay = row.Int32("prompts_per_day") ?? 0,
                ConfigChangesPerHour = row.Int32("config_changes_per_hour") ?? 0,
                InputTokensPerMonth = row.Int64("input_tokens_per_month"),
                OutputTokensPerMonth = row.Int64("output_tokens_per_month"),
            };
            var isDefault = row.Flag("is_default") ?? false;
            var isActive = row.Flag("is_active") ?? true;
            var createdAt = row.Time("created_at");
            string? validName = null;
            try
            {
                validName = ProfileValidator.ValidateNew(profile);
            }
            catch (ConsumptionProfileValidationException invalid)
            {
                foreach (var (field, messages) in invalid.Errors)
                {
                    row.Error($"{field}: {string.Join(" ", messages)}");
                }
            }

            if (row.IsValid)
            {
                profiles.Add(new SeedProfile(
                    row.Id, validName!, profile.Description, profile.PromptsPerHour, profile.PromptsPerDay, profile.ConfigChangesPerHour,
                    profile.InputTokensPerMonth, profile.OutputTokensPerMonth, isDefault, isActive, createdAt));
            }
        }

        return profiles;
    }

    private static async Task<IReadOnlyList<SeedAssignment>> ReadAssignmentsAsync(SqliteConnection connection, string usersTable, List<string> errors, CancellationToken cancellationToken)
    {
        var sql = $"SELECT id, consumption_profile_id FROM \"{usersTable}\" WHERE consumption_profile_id IS NOT NULL ORDER BY id;";
        var assignments = new List<SeedAssignment>();
        await foreach (var row in ReadRowsAsync(connection, sql, usersTable, errors, cancellationToken, textId: true).ConfigureAwait(false))
        {
            var profileId = row.Int64("consumption_profile_id");
            if (row.IsValid)
            {
                assignments.Add(new SeedAssignment(row.TextId, profileId!.Value));
            }
        }

        return assignments;
    }

    private static async Task<IReadOnlyList<SeedUsage>> ReadUsageAsync(SqliteConnection connection, List<string> errors, CancellationToken cancellationToken)
    {
        const string Sql = """
            SELECT id, user_id, period, input_tokens_used, output_tokens_used, first_usage_at, last_usage_at
            FROM user_token_usage ORDER BY id;
            """;
        var usage = new List<SeedUsage>();
        await foreach (var row in ReadRowsAsync(connection, Sql, "user_token_usage", errors, cancellationToken).ConfigureAwait(false))
        {
            var userId = row.UserId("user_id");
            var periodText = row.Text("period");
            QuotaPeriod period = default;
            if (!QuotaPeriod.TryParse(periodText, out period))
            {
                row.Error($"period: '{periodText}' is not a calendar month (YYYY-MM).");
            }

            var input = row.Count("input_tokens_used");
            var output = row.Count("output_tokens_used");
            var first = row.Time("first_usage_at");
            var last = row.Time("last_usage_at");
            if (row.IsValid)
            {
                // The seed set both timestamps on insert; a NULL one takes the other, or the month's start.
                var firstAt = first ?? last ?? period.Start;
                var lastAt = last ?? firstAt;
                usage.Add(new SeedUsage(row.Id, userId!, period, input, output, firstAt, lastAt < firstAt ? firstAt : lastAt));
            }
        }

        return usage;
    }

    private static async IAsyncEnumerable<SeedRow> ReadRowsAsync(
        SqliteConnection connection, string sql, string table, List<string> errors,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken, bool textId = false)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new SeedRow(reader, table, errors, textId);
            yield return row;
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex IdentifierPattern();
}
