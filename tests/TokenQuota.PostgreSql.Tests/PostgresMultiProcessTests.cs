using TokenQuota.Stores.Tests;

namespace TokenQuota.PostgreSql.Tests;

/// <summary>
/// Issue 6 §3: four OS processes standing in for four app instances behind a load balancer, sharing one schema on one
/// PostgreSQL server (the scenarios: <see cref="MultiProcessContract{TBackend}"/>).
/// </summary>
public class PostgresMultiProcessTests : MultiProcessContract<PostgresBackend>;
