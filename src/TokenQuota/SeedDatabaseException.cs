namespace TokenQuota;

/// <summary>
/// The store was pointed at a database that holds the tables of the original consumption-profiles feature
/// (<c>consumption_profiles</c>, <c>user_token_usage</c>) but no TokenQuota schema. The store refuses it before writing
/// anything, so the file is left exactly as it was; carry it over with <c>tokenquota import-seed</c> into a new database.
/// </summary>
public sealed class SeedDatabaseException : TokenQuotaStoreException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="database">The database the store was pointed at (a file path, or a PostgreSQL schema).</param>
    public SeedDatabaseException(string database)
        : base(
            $"The database '{database}' holds the tables of the original consumption-profiles feature (consumption_profiles, user_token_usage) " +
            "but no TokenQuota schema, so TokenQuota will not use it; nothing was changed. Point the store at a new database and carry this one over with " +
            $"'tokenquota import-seed --from {database} --db <the new database>'.")
    {
        Database = database;
    }

    /// <summary>Gets the database the store was pointed at.</summary>
    public string Database { get; }
}
