using System.Data.Common;

namespace TokenQuota.Relational;

/// <summary>How a SQL store lends the shared code a connection and opens an administrative session on it.</summary>
internal interface IRelationalConnections
{
    /// <summary>Runs <paramref name="work"/> on an open connection of the store (migrating first when the store does), and closes it.</summary>
    Task<T> RunAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>Creates the store's administrative session over a connection and its open transaction.</summary>
    RelationalAdminSession CreateAdminSession(DbConnection connection, DbTransaction transaction, DateTimeOffset now);
}
