using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TokenQuota.AspNetCore.Tests;

/// <summary>
/// The exact JSON text of the seed-shaped bodies, property order included: the response records must serialize as the
/// anonymous objects they replaced did. Times are masked; the library types' own fields are checked elsewhere.
/// </summary>
public sealed partial class WireFormatTests
{
    private const string Profiles = "/api/v1/auth/admin/consumption-profiles";
    private const string Users = "/api/v1/auth/admin/users";
    private ApiTestHost host = null!;

    [SetUp]
    public async Task Start() => host = await ApiTestHost.StartAsync();

    [TearDown]
    public async Task Stop() => await host.DisposeAsync();

    [Test]
    public async Task ErrorAndRefusalBodiesAreTheSeedsText()
    {
        var id = await CreateAsync();
        await host.Profiles.AssignAsync("alice", id);
        Assert.Multiple(async () =>
        {
            Assert.That(await BodyAsync(HttpMethod.Get, $"{Profiles}/999"), Is.EqualTo("""{"status":"error","message":"Consumption profile not found"}"""));
            Assert.That(
                await BodyAsync(HttpMethod.Post, $"{Profiles}/1/deactivate"),
                Is.EqualTo("""{"status":"error","message":"Cannot deactivate the default profile. Make another profile the default first.","reason":"default_profile_cannot_be_deactivated"}"""));
            Assert.That(await BodyAsync(HttpMethod.Delete, $"{Profiles}/{id}"), Does.StartWith("""{"status":"error","message":""").And.EndWith(""","reason":"profile_in_use","user_count":1}"""));
            Assert.That(
                await BodyAsync(HttpMethod.Put, $"{Users}/bob/consumption-profile", """{"profile_id":4242}"""),
                Is.EqualTo("""{"status":"error","message":"Consumption profile not found or inactive"}"""));
        });
    }

    [Test]
    public async Task SuccessBodiesKeepTheirPropertyOrder()
    {
        var id = await CreateAsync();
        await host.Checker.RecordAsync("alice", 10, 5);
        Assert.Multiple(async () =>
        {
            Assert.That(
                await BodyAsync(HttpMethod.Put, $"{Users}/alice/consumption-profile", """{"profile_id":null}"""),
                Is.EqualTo("""{"status":"success","message":"Consumption profile unassigned successfully","user":{"user_id":"alice","consumption_profile_id":null,"consumption_profile":null}}"""));
            Assert.That(
                await BodyAsync(HttpMethod.Put, $"{Users}/consumption-profile", $$"""{"user_ids":["alice","bob"],"profile_id":{{id}}}"""),
                Is.EqualTo($$"""{"status":"success","message":"Consumption profile assigned to 2 user(s) successfully","assigned":2,"profile_id":{{id}}}"""));
            Assert.That(
                await BodyAsync(HttpMethod.Get, $"{Profiles}/{id}/users?limit=1"),
                Is.EqualTo($$"""{"status":"success","profile_id":{{id}},"total_count":2,"offset":0,"limit":1,"users":[{"user_id":"alice","profile_id":{{id}},"assigned_at":"T"}]}"""));
            Assert.That(await BodyAsync(HttpMethod.Delete, $"{Profiles}/{id}?reassign_to=1"), Is.EqualTo("""{"status":"success","message":"Consumption profile deleted successfully"}"""));
            Assert.That(
                await KeysAsync(HttpMethod.Put, $"{Users}/bob/consumption-profile", """{"profile_id":1}"""),
                Is.EqualTo(new[] { "status", "message", "user" }));
            Assert.That(await KeysAsync(HttpMethod.Get, $"{Users}/bob/consumption-profile"), Is.EqualTo(new[] { "status", "user" }));
            Assert.That(await KeysAsync(HttpMethod.Get, Profiles), Is.EqualTo(new[] { "status", "profiles" }));
            Assert.That(await KeysAsync(HttpMethod.Post, $"{Profiles}/1/set-default"), Is.EqualTo(new[] { "status", "message", "profile" }));
            Assert.That(await KeysAsync(HttpMethod.Get, "/api/v1/auth/admin/usage"), Is.EqualTo(new[] { "status", "period", "total_count", "offset", "limit", "users" }));
            Assert.That(await KeysAsync(HttpMethod.Get, "/api/v1/auth/admin/usage/periods"), Is.EqualTo(new[] { "status", "periods" }));
            Assert.That(await KeysAsync(HttpMethod.Get, "/api/v1/auth/admin/usage/users/alice"), Is.EqualTo(new[] { "status", "user_id", "history" }));
            Assert.That(await KeysAsync(HttpMethod.Get, "/api/v1/auth/admin/rate-limit-settings"), Is.EqualTo(new[] { "status", "settings" }));
            Assert.That(
                await KeysAsync(HttpMethod.Put, "/api/v1/auth/admin/rate-limit-settings", """{"rate_limit_enabled":true}"""),
                Is.EqualTo(new[] { "status", "message", "settings" }));
        });
    }

    [Test]
    public async Task AuditEntriesInlineTheirSnapshotsInTheSeedOrder()
    {
        var id = await CreateAsync();

        var body = await BodyAsync(HttpMethod.Get, "/api/v1/auth/admin/audit-log?limit=1");

        Assert.That(
            body,
            Does.StartWith($$"""{"status":"success","total_count":1,"offset":0,"limit":1,"entries":[{"id":1,"occurred_at":"T","actor":"root","action":"profile.create","target":"profile:{{id}}","before":null,"after":{"""));
    }

    [Test]
    public async Task QuotaStatusOpensWithStatusThenQuota()
    {
        using var response = await host.AsUser("alice", HttpMethod.Get, "/api/v1/auth/user/quota-status");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(json.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "status", "quota" }));
    }

    private async Task<long> CreateAsync()
    {
        using var response = await host.AsAdmin(HttpMethod.Post, Profiles, raw: """{"name":"Starter"}""");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return (await ApiTestHost.Json(response)).GetProperty("profile").GetProperty("id").GetInt64();
    }

    private async Task<string> BodyAsync(HttpMethod method, string url, string? raw = null)
    {
        using var response = await host.AsAdmin(method, url, raw: raw);
        return Instant().Replace(await response.Content.ReadAsStringAsync(), "T");
    }

    private async Task<string[]> KeysAsync(HttpMethod method, string url, string? raw = null)
    {
        using var json = JsonDocument.Parse(await BodyAsync(method, url, raw));
        return [.. json.RootElement.EnumerateObject().Select(p => p.Name)];
    }

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")]
    private static partial Regex Instant();
}
