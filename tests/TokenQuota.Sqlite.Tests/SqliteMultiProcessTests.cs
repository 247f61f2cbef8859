using TokenQuota.Stores.Tests;

namespace TokenQuota.Sqlite.Tests;

/// <summary>Four OS processes sharing one SQLite file (the scenarios: <see cref="MultiProcessContract{TBackend}"/>).</summary>
public class SqliteMultiProcessTests : MultiProcessContract<SqliteBackend>;
