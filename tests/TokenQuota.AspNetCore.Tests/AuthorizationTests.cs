using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;

namespace TokenQuota.AspNetCore.Tests;

/// <summary>The auth matrix: 401 anonymous, 403 non-admin, and a user only ever reads its own status.</summary>
public sealed class AuthorizationTests
{
    private static readonly (string Method, string Url)[] AdminRoutes =
    [
        ("GET", "/api/v1/auth/admin/consumption-profiles"),
        ("POST", "/api/v1/auth/admin/consumption-profiles"),
        ("GET", "/api/v1/auth/admin/consumption-profiles/1"),
        ("PUT", "/api/v1/auth/admin/consumption-profiles/1"),
        ("DELETE", "/api/v1/auth/admin/consumption-profiles/2"),
        ("POST", "/api/v1/auth/admin/consumption-profiles/2/activate"),
        ("POST", "/api/v1/auth/admin/consumption-profiles/2/deactivate"),
        ("POST", "/api/v1/auth/admin/consumption-profiles/2/set-default"),
        ("GET", "/api/v1/auth/admin/consumption-profiles/1/users"),
        ("PUT", "/api/v1/auth/admin/users/alice/consumption-profile"),
        ("GET", "/api/v1/auth/admin/users/alice/consumption-profile"),
        ("PUT", "/api/v1/auth/admin/users/consumption-profile"),
        ("GET", "/api/v1/auth/admin/usage"),
        ("GET", "/api/v1/auth/admin/usage/periods"),
        ("GET", "/api/v1/auth/admin/usage/users/alice"),
        ("GET", "/api/v1/auth/admin/usage/models"),
        ("GET", "/api/v1/auth/admin/usage/models?group=model"),
        ("GET", "/api/v1/auth/admin/usage/models.csv"),
        ("GET", "/api/v1/auth/admin/audit-log"),
        ("GET", "/api/v1/auth/admin/rate-limit-settings"),
        ("PUT", "/api/v1/auth/admin/rate-limit-settings"),
        ("GET", "/api/v1/auth/admin/model-prices"),
        ("POST", "/api/v1/auth/admin/model-prices"),
        ("POST", "/api/v1/auth/admin/model-prices/import"),
        ("DELETE", "/api/v1/auth/admin/model-prices?model=gpt-4o"),
    ];

    [Test]
    public async Task EveryAdminRouteAnswers401AnonymousAnd403ToAUserAndChangesNothing()
    {
        await using var host = await ApiTestHost.StartAsync();
        var before = await host.Profiles.ListAsync();
        foreach (var (method, url) in AdminRoutes)
        {
            using var anonymous = await host.Client.SendAsync(host.Request(new HttpMethod(method), url, json: new { profile_id = 1, name = "X" }));
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"{method} {url}");
            Assert.That((await ApiTestHost.Json(anonymous)).GetProperty("message").GetString(), Is.EqualTo("Authentication required. Please login."), $"{method} {url}: the seed's 401 message");
            using var user = await host.Client.SendAsync(host.Request(new HttpMethod(method), url, "alice", "user", json: new { profile_id = 1, name = "X" }));
            Assert.That(user.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), $"{method} {url}");
            Assert.That((await ApiTestHost.Json(user)).GetProperty("message").GetString(), Is.EqualTo("Admin privileges required."), $"{method} {url}: the seed's 403 message");
        }

        Assert.That(await host.Profiles.ListAsync(), Is.EqualTo(before));
        Assert.That((await host.Profiles.QueryAuditLogAsync()).TotalCount, Is.Zero);
    }

    [Test]
    public async Task QuotaStatusNeedsASignedInUser()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var anonymous = await host.Client.SendAsync(host.Request(HttpMethod.Get, "/api/v1/auth/user/quota-status"));
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await ApiTestHost.Json(anonymous)).GetProperty("message").GetString(), Is.EqualTo("Authentication required. Please login."));
    }

    [Test]
    public async Task QuotaStatusHasTheSeedShapeAndReadsOnlyTheCallersOwnUsage()
    {
        await using var host = await ApiTestHost.StartAsync();
        var pro = (await host.Profiles.ListAsync()).Single(p => p.Name == "Pro").Id;
        await host.Profiles.AssignAsync("bob", pro);
        await host.Checker.RecordAsync("alice", 1000, 500);
        await host.Checker.RecordAsync("bob", 45230, 23150);

        foreach (var url in new[] { "/api/v1/auth/user/quota-status", "/api/v1/auth/user/quota-status?user_id=bob&userId=bob" })
        {
            var request = host.Request(HttpMethod.Get, url, "alice");
            request.Headers.Add("X-User-Id", "bob");
            using var response = await host.Client.SendAsync(request);
            var json = await ApiTestHost.Json(response);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("success"));
            var quota = json.GetProperty("quota");
            Assert.That(quota.GetProperty("profile_name").GetString(), Is.EqualTo("Free"));
            Assert.That(quota.GetProperty("input_tokens").GetProperty("used").GetInt64(), Is.EqualTo(1000));
            Assert.That(quota.GetProperty("output_tokens").GetProperty("used").GetInt64(), Is.EqualTo(500));
        }

        using var bob = await host.AsUser("bob", HttpMethod.Get, "/api/v1/auth/user/quota-status");
        var quotaOfBob = (await ApiTestHost.Json(bob)).GetProperty("quota");
        Assert.That(quotaOfBob.GetProperty("has_quota").GetBoolean(), Is.True);
        Assert.That(quotaOfBob.GetProperty("profile_name").GetString(), Is.EqualTo("Pro"));
        Assert.That(quotaOfBob.GetProperty("profile_id").GetInt64(), Is.EqualTo(pro));
        Assert.That(quotaOfBob.GetProperty("period").GetString(), Does.Match(@"^\d{4}-\d{2}$"));
        var input = quotaOfBob.GetProperty("input_tokens");
        Assert.That(input.GetProperty("limit").GetInt64(), Is.EqualTo(500000));
        Assert.That(input.GetProperty("used").GetInt64(), Is.EqualTo(45230));
        Assert.That(input.GetProperty("remaining").GetInt64(), Is.EqualTo(454770));
        Assert.That(input.GetProperty("percentage_used").GetDouble(), Is.EqualTo(9.0));
        Assert.That(quotaOfBob.GetProperty("output_tokens").GetProperty("percentage_used").GetDouble(), Is.EqualTo(9.3));
        Assert.That(quotaOfBob.GetProperty("rate_limits").GetProperty("prompts_per_hour").GetInt32(), Is.EqualTo(200));
    }

    [Test]
    public async Task AConfiguredPolicyAndUserIdClaimApply()
    {
        await using var host = await ApiTestHost.StartAsync(o =>
        {
            o.AdminPolicy = "ops";
            o.UserIdClaimType = "sub";
        });
        var admin = host.Request(HttpMethod.Get, "/api/v1/auth/admin/consumption-profiles", "root", "admin");
        using var roleOnly = await host.Client.SendAsync(admin);
        Assert.That(roleOnly.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        var ops = host.Request(HttpMethod.Get, "/api/v1/auth/admin/consumption-profiles", "root");
        ops.Headers.Add("X-Claims", "department=ops");
        using var allowed = await host.Client.SendAsync(ops);
        Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        await host.Checker.RecordAsync("subject-7", 3, 4);
        var withSub = host.Request(HttpMethod.Get, "/api/v1/auth/user/quota-status", "alice");
        withSub.Headers.Add("X-Claims", "sub=subject-7");
        using var status = await host.Client.SendAsync(withSub);
        Assert.That((await ApiTestHost.Json(status)).GetProperty("quota").GetProperty("input_tokens").GetProperty("used").GetInt64(), Is.EqualTo(3));

        using var noClaim = await host.AsUser("alice", HttpMethod.Get, "/api/v1/auth/user/quota-status");
        Assert.That(noClaim.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task ACustomPrefixMovesEveryRoute()
    {
        await using var host = await ApiTestHost.StartAsync(map: app => app.MapTokenQuotaEndpoints("/quota"));
        using var response = await host.AsUser("alice", HttpMethod.Get, "/quota/user/quota-status");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ClaimTypes.NameIdentifier, Is.Not.Empty);
    }
}
