using TokenQuota.Samples.WebHost;

// dotnet run --project samples/TokenQuota.Samples.WebHost, then open the printed URL and sign in as alice, bob or admin
// (password "demo"). The SQLite file tokenquota-sample.db is created in the working folder.
var app = WebHostApp.Build(args);
await app.RunAsync();
