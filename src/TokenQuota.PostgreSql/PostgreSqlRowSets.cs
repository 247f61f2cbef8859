using Npgsql;

namespace TokenQuota.PostgreSql;

/// <summary>
/// Walks the row sets of an <see cref="NpgsqlBatch"/> in order, passing over the results of commands that return no
/// rows (BEGIN, COMMIT, writes without RETURNING).
/// </summary>
internal sealed class PostgreSqlRowSets(NpgsqlDataReader reader)
{
    private bool started;

    public NpgsqlDataReader Reader => reader;

    /// <summary>Moves to the next row set; throws the server's error of any command before it.</summary>
    public async Task NextAsync()
    {
        if (started && !await reader.NextResultAsync().ConfigureAwait(false))
        {
            throw new InvalidOperationException("The batch returned fewer row sets than it has reads.");
        }

        started = true;
        while (reader.FieldCount == 0)
        {
            if (!await reader.NextResultAsync().ConfigureAwait(false))
            {
                throw new InvalidOperationException("The batch returned fewer row sets than it has reads.");
            }
        }
    }
}
