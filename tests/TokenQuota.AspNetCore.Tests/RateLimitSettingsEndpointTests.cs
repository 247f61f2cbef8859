using System.Net;
using System.Text.Json;

namespace TokenQuota.AspNetCore.Tests;

/// <summary><c>GET|PUT /admin/rate-limit-settings</c>: the seed's keys, its 400 for any other key, audited changes, on a real SQLite file.</summary>
public sealed class RateLimitSettingsEndpointTests
{
    private const string Settings = "/api/v1/auth/admin/rate-limit-settings";
    private ApiTestHost host = null!;

    [SetUp]
    public async Task Start() => host = await ApiTestHost.StartAsync();

    [TearDown]
    public async Task Stop() => await host.DisposeAsync();

    [Test]
    public async Task GetAnswersTheStartUpDefaultsOfANewDatabaseUnderTheSeedsKeys()
    {
        using var response = await host.AsAdmin(HttpMethod.Get, Settings);
        var json = await ApiTestHost.Json(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("success"));
        Assert.That(json.GetProperty("settings").ToString(), Is.EqualTo("{\"rate_limit_enabled\":true,\"rate_limit_global_override\":false}"));
    }

    [Test]
    public async Task PutChangesOnlyTheKeysGivenAuditsTheChangeAndGetReadsItBack()
    {
        using var put = await host.AsAdmin(HttpMethod.Put, Settings, raw: "{\"rate_limit_global_override\":true}");
        var putJson = await ApiTestHost.Json(put);
        using var get = await host.AsAdmin(HttpMethod.Get, Settings);
        var getJson = await ApiTestHost.Json(get);
        var audit = (await host.Profiles.QueryAuditLogAsync(new QuotaAuditQuery { Action = QuotaAuditActions.RateLimitSettingsUpdated })).Items.Single();

        Assert.Multiple(() =>
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(putJson.GetProperty("message").GetString(), Is.EqualTo("Rate limit settings updated successfully"));
            Assert.That(putJson.GetProperty("settings").GetProperty("rate_limit_global_override").GetBoolean(), Is.True);
            Assert.That(putJson.GetProperty("settings").GetProperty("rate_limit_enabled").GetBoolean(), Is.True);
            Assert.That(getJson.GetProperty("settings").ToString(), Is.EqualTo(putJson.GetProperty("settings").ToString()));
            Assert.That(audit.Actor, Is.EqualTo("root"));
            Assert.That(JsonDocument.Parse(audit.Before!).RootElement.GetProperty("rate_limit_global_override").GetBoolean(), Is.False);
            Assert.That(JsonDocument.Parse(audit.After!).RootElement.GetProperty("rate_limit_global_override").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task TheOverrideSetOverHttpAppliesToTheNextQuotaStatusWithoutARestart()
    {
        await host.Profiles.AssignAsync("alice", (await host.Profiles.ListAsync()).Single(p => p.Name == "Unlimited").Id);
        using var before = await host.AsUser("alice", HttpMethod.Get, "/api/v1/auth/user/quota-status");
        using var put = await host.AsAdmin(HttpMethod.Put, Settings, raw: "{\"rate_limit_global_override\":true}");
        using var after = await host.AsUser("alice", HttpMethod.Get, "/api/v1/auth/user/quota-status");
        using var disable = await host.AsAdmin(HttpMethod.Put, Settings, raw: "{\"rate_limit_enabled\":false}");
        using var disabled = await host.AsUser("alice", HttpMethod.Get, "/api/v1/auth/user/quota-status");

        static JsonElement Rates(JsonElement json) => json.GetProperty("quota").GetProperty("rate_limits");
        var beforeRates = Rates(await ApiTestHost.Json(before));
        var afterRates = Rates(await ApiTestHost.Json(after));
        var disabledRates = Rates(await ApiTestHost.Json(disabled));

        Assert.Multiple(() =>
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(beforeRates.GetProperty("prompts_per_hour").GetInt32(), Is.Not.EqualTo(100), "Unlimited's own limit");
            Assert.That(afterRates.GetProperty("prompts_per_hour").GetInt32(), Is.EqualTo(100), "the system default");
            Assert.That(disabledRates.GetProperty("prompts_per_hour").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
    }

    [TestCase("{\"rate_limit_enabled\":\"yes\"}", "rate_limit_enabled", "rate_limit_enabled must be true or false.")]
    [TestCase("{\"rate_limit_enabled\":1}", "rate_limit_enabled", "rate_limit_enabled must be true or false.")]
    [TestCase("{\"rate_limit_global_override\":null}", "rate_limit_global_override", "rate_limit_global_override must be true or false.")]
    [TestCase("{\"enabled\":false}", "enabled", "Unknown setting 'enabled'. Accepted: rate_limit_enabled, rate_limit_global_override.")]
    [TestCase("{\"rate_limit_enabled\":false,\"extra\":1}", "extra", "Unknown setting 'extra'. Accepted: rate_limit_enabled, rate_limit_global_override.")]
    [TestCase("{\"rate_limit_user_prompts_per_hour\":5}", "rate_limit_user_prompts_per_hour", "rate_limit_user_prompts_per_hour cannot be changed at run time; it is the start-up option RateLimitOptions.DefaultPromptsPerHour.")]
    [TestCase("{\"rate_limit_ip_login_per_minute\":5}", "rate_limit_ip_login_per_minute", "rate_limit_ip_login_per_minute is not supported: TokenQuota has no per-IP limits.")]
    public async Task AWronglyTypedOrUnknownKeyAnswers400ProblemDetailsNamingItAndChangesNothing(string body, string field, string error)
    {
        using var response = await host.AsAdmin(HttpMethod.Put, Settings, raw: body);
        var json = await ApiTestHost.Json(response);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToString());
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(json.GetProperty("errors").GetProperty(field)[0].GetString(), Is.EqualTo(error));
            Assert.That((await host.Profiles.QueryAuditLogAsync()).TotalCount, Is.Zero);
        });
    }

    [TestCase("")]
    [TestCase("{}")]
    [TestCase("null")]
    public async Task AnEmptyBodyAnswers400NoDataProvided(string body)
    {
        using var response = await host.AsAdmin(HttpMethod.Put, Settings, raw: body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ApiTestHost.Json(response)).GetProperty("message").GetString(), Is.EqualTo("No data provided"));
    }

    [TestCase("[]", "The request body must be a JSON object.")]
    [TestCase("true", "The request body must be a JSON object.")]
    public async Task ABodyThatIsNotAnObjectAnswers400(string body, string message)
    {
        using var response = await host.AsAdmin(HttpMethod.Put, Settings, raw: body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ApiTestHost.Json(response)).GetProperty("message").GetString(), Is.EqualTo(message));
    }

    [Test]
    public async Task MalformedJsonAnswers400Never500()
    {
        using var response = await host.AsAdmin(HttpMethod.Put, Settings, raw: "{\"rate_limit_enabled\":");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ApiTestHost.Json(response)).GetProperty("title").GetString(), Is.EqualTo("Malformed JSON"));
    }
}
