using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace TokenQuota.Sqlite;

/// <summary>
/// How <see cref="SqliteGroupCommitWriter"/> runs each write of a batch inside the batch's transaction, kept atomic as its
/// <see cref="SqliteWriteAtomicity"/> says, and which failures break the connection rather than just the write.
/// </summary>
internal static class SqliteWriteBatch
{
    /// <summary>
    /// Runs one request inside the open transaction (or alone in autocommit). A failure of the request's own work is
    /// kept on the request; a failure that broke the transaction is thrown.
    /// </summary>
    public static void Run(SqliteHotPathConnection connection, SqliteWriteRequest request)
    {
        var inTransaction = connection.InTransaction;
        if (request.Kind == SqliteWriteAtomicity.BatchTransaction && inTransaction)
        {
            // No savepoint: the work fails only when the transaction does, so its failure fails the whole batch
            // (the writer's RunBatch rolls back), and nothing of it can be left half-written.
            request.Execute(connection);
            return;
        }

        if (request.Kind == SqliteWriteAtomicity.OwnSavepoint && inTransaction)
        {
            connection.Savepoint();
            try
            {
                request.Execute(connection);
                connection.ReleaseSavepoint();
            }
            catch (Exception) when (connection.InTransaction)
            {
                connection.RollbackToSavepoint();
            }

            return;
        }

        try
        {
            request.Execute(connection);
        }
        catch (Exception ex) when (!inTransaction && IsConnectionFailure(ex))
        {
            throw;
        }
        catch (Exception) when (!inTransaction || connection.InTransaction)
        {
            // The statement failed alone (SQLite undid just that statement); the request carries the error.
        }
    }

    /// <summary>Whether an exception may have left the connection unusable (anything from SQLite but a constraint violation).</summary>
    public static bool IsConnectionFailure(Exception exception) =>
        exception is IOException || exception is SqliteException { SqliteErrorCode: not raw.SQLITE_CONSTRAINT } || exception.InnerException is SqliteException { SqliteErrorCode: not raw.SQLITE_CONSTRAINT };
}
