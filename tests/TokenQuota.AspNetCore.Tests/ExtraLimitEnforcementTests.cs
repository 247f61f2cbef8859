using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TokenQuota.AspNetCore.Tests;

/// <summary>Extra limits over HTTP: RequireTokenQuota() carries the endpoint's model; 429 names the limit; status lists the limits.</summary>
public sealed class ExtraLimitEnforcementTests
{
    private static Task<ApiTestHost> StartAsync() => ApiTestHost.StartAsync(map: app =>
    {
        app.MapPost("/chat/{model}", (string model) => "ok").RequireTokenQuota(ctx => new TokenEstimate(300, 100) { ModelId = ctx.GetArgument<string>(0) });
    });

    private static async Task UseMeteredAsync(ApiTestHost host, string user, params string[] limits)
    {
        var profile = await host.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Metered", Limits = [.. limits.Select(QuotaLimit.Parse)] });
        await host.Profiles.AssignAsync(user, profile.Id);
    }

    [Test]
    public async Task APerModelLimitAnswers429NamingTheLimitWhileAnotherModelStillWorks()
    {
        await using var host = await StartAsync();
        await UseMeteredAsync(host, "alice", "total_tokens/day=700@gpt-4o*");

        using var first = await host.AsUser("alice", HttpMethod.Post, "/chat/gpt-4o");
        using var refused = await host.AsUser("alice", HttpMethod.Post, "/chat/gpt-4o-mini");
        using var other = await host.AsUser("alice", HttpMethod.Post, "/chat/claude-3-haiku");
        var body = await ApiTestHost.Json(refused);

        Assert.Multiple(() =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(refused.StatusCode, Is.EqualTo((HttpStatusCode)429));
            Assert.That(body.ToString(), Does.Contain("Daily total token quota for model 'gpt-4o*' exceeded. Limit: 700, used: 400, requested: 400."));
            Assert.That(body.GetProperty("limit_name").GetString(), Is.EqualTo("total_tokens/day@gpt-4o*"));
            Assert.That(body.GetProperty("limit").GetInt64(), Is.EqualTo(700));
            Assert.That(refused.Headers.RetryAfter?.Delta, Is.Not.Null, "a fixed day window says when it resets");
            Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the limit is for gpt-4o* only");
        });
    }

    [Test]
    public async Task TheQuotaStatusListsTheExtraLimitsBesideTheSeedsShape()
    {
        await using var host = await StartAsync();
        await UseMeteredAsync(host, "alice", "total_tokens/day=10000@gpt-4o*", "in_flight=3");
        using (await host.AsUser("alice", HttpMethod.Post, "/chat/gpt-4o"))
        {
        }

        using var response = await host.AsUser("alice", HttpMethod.Get, "/api/v1/auth/user/quota-status");
        var quota = (await ApiTestHost.Json(response)).GetProperty("quota");
        var limits = quota.GetProperty("limits");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(quota.GetProperty("input_tokens").GetProperty("used").GetInt64(), Is.EqualTo(300), "the seed's shape is unchanged");
            Assert.That(limits.GetArrayLength(), Is.EqualTo(2));
            var tokens = limits[0];
            Assert.That(tokens.GetProperty("level").GetString(), Is.EqualTo("user"));
            Assert.That(tokens.GetProperty("meter").GetString(), Is.EqualTo("total_tokens"));
            Assert.That(tokens.GetProperty("window").GetString(), Is.EqualTo("day"));
            Assert.That(tokens.GetProperty("model").GetString(), Is.EqualTo("gpt-4o*"));
            Assert.That(tokens.GetProperty("algorithm").GetString(), Is.EqualTo("fixed_window"));
            Assert.That(tokens.GetProperty("limit").GetInt64(), Is.EqualTo(10_000));
            Assert.That(tokens.GetProperty("used").GetInt64(), Is.EqualTo(400));
            Assert.That(tokens.GetProperty("reserved").GetInt64(), Is.Zero);
            Assert.That(tokens.GetProperty("remaining").GetInt64(), Is.EqualTo(9_600));
            Assert.That(tokens.GetProperty("percentage_used").GetDouble(), Is.EqualTo(4.0));
            Assert.That(tokens.GetProperty("resets_at").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(1), TimeSpan.Zero)));
            var inFlight = limits[1];
            Assert.That(inFlight.GetProperty("meter").GetString(), Is.EqualTo("in_flight"));
            Assert.That(inFlight.GetProperty("window").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
            Assert.That(inFlight.GetProperty("used").GetInt64(), Is.Zero, "the finished call holds no slot");
        });
    }
}
