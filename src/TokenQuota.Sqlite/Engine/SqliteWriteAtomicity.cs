namespace TokenQuota.Sqlite;

/// <summary>How a write handed to <see cref="SqliteGroupCommitWriter"/> is kept atomic, alone or inside a batch.</summary>
internal enum SqliteWriteAtomicity
{
    /// <summary>
    /// One statement, atomic by itself: alone it runs in autocommit; in a batch, if it fails, SQLite undoes just that
    /// statement and only its caller sees the error.
    /// </summary>
    SingleStatement,

    /// <summary>
    /// Several statements that must commit together and may fail on their own (a constraint, a refused request id):
    /// alone they run in their own transaction; in a batch, inside a savepoint of their own, so a failure undoes only
    /// this write.
    /// </summary>
    OwnSavepoint,

    /// <summary>
    /// Several statements that must commit together and fail only when the transaction itself does (an I/O error, a
    /// full disk): alone they run in their own transaction; in a batch they share the batch's transaction with no
    /// savepoint (a savepoint copies every page the write touches into a sub-journal), and a failure rolls back and
    /// fails the whole batch, so nothing is half-written.
    /// </summary>
    BatchTransaction,
}
