using Microsoft.Data.Sqlite;

namespace TokenQuota.Benchmarks;

/// <summary>
/// <c>--probe raw_pages</c>: what a commit costs by the number of table pages it changes, in raw ADO.NET on the store's
/// own file and rows (a cost-limit user's month row, limit counter and usage-by-model row), beside the store's
/// record with a cost limit; each as a ratio to the one-page autocommit update that the standard record is. It shows
/// the floor a record with extra limits can reach with its counters in one, two or three tables.
/// </summary>
internal static class RawPageCosts
{
    private const int Users = 1_000;

    public static async Task RunAsync()
    {
        await using var db = await BenchDatabase.CreateAsync(Users, 1);
        var cost = await ExtraLimitFigures.CreateCostAsync(db.Provider);
        await cost.Record()(Measure.Warmup);
        using var connection = db.OpenRaw();
        var period = QuotaPeriod.Current(TimeProvider.System).Key;
        var month = Command(connection, $"UPDATE user_token_usage SET input_tokens_used = input_tokens_used + 1 WHERE user_id = $u AND period = '{period}';");
        var counter = Command(connection, "UPDATE tokenquota_limit_counters SET count = count + 1 WHERE user_id = $u;");
        var byModel = Command(connection, $"UPDATE tokenquota_model_usage SET calls = calls + 1 WHERE user_id = $u AND period = '{period}';");
        var begin = Command(connection, "BEGIN IMMEDIATE;");
        var commit = Command(connection, "COMMIT;");
        void Commit(int i, params SqliteCommand[] updates)
        {
            begin.ExecuteNonQuery();
            foreach (var update in updates)
            {
                Run(update, cost.UserId(i % Users));
            }

            commit.ExecuteNonQuery();
        }

        var figures = await Measure.InterleavedAsync(
            [
                ("1 page, autocommit", Measure.SyncRound(i => Run(month, cost.UserId(i % Users)))),
                ("1 page, 1 update in a transaction", Measure.SyncRound(i => Commit(i, month))),
                ("1 page, 3 updates in a transaction", Measure.SyncRound(i => Commit(i, month, month, month))),
                ("2 pages (month row, counter)", Measure.SyncRound(i => Commit(i, month, counter))),
                ("3 pages (month row, counter, usage by model)", Measure.SyncRound(i => Commit(i, month, counter, byModel))),
                ("store: record with a cost limit", cost.Record()),
            ],
            passes: 4);
        var baseline = figures["1 page, autocommit"];
        foreach (var (name, rate) in figures)
        {
            Console.WriteLine(FormattableString.Invariant($"{name}: {rate:N0}/s = {rate / baseline:F2} x 1 page, autocommit"));
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        if (sql.Contains("$u", StringComparison.Ordinal))
        {
            command.Parameters.Add("$u", SqliteType.Text);
        }

        command.Prepare();
        return command;
    }

    private static void Run(SqliteCommand command, string userId)
    {
        command.Parameters[0].Value = userId;
        command.ExecuteNonQuery();
    }
}
