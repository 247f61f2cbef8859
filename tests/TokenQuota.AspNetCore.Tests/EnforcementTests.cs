using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace TokenQuota.AspNetCore.Tests;

/// <summary>RequireTokenQuota(): reserve, admit, run, commit; and 429 with the decision and headers.</summary>
public sealed class EnforcementTests
{
    private sealed record Answer(string Text, long InputTokens, long OutputTokens) : ITokenUsageReport;

    private static Task<ApiTestHost> StartAsync(bool rateLimiter = false) => ApiTestHost.StartAsync(rateLimiter: rateLimiter, map: app =>
    {
        app.MapPost("/chat", () => "ok").RequireTokenQuota(100, 50);
        app.MapPost("/chat-reported", (HttpContext http) =>
        {
            http.ReportTokenUsage(7, 3);
            return Results.Ok("ok");
        }).RequireTokenQuota(100, 50);
        app.MapPost("/chat-result", () => TypedResults.Ok(new Answer("hi", 11, 22))).RequireTokenQuota(100, 50);
        app.MapPost("/chat-throws", string () => throw new InvalidOperationException("model down")).RequireTokenQuota(100, 50);
        app.MapPost("/chat-estimated/{tokens:long}", (long tokens) => "ok").RequireTokenQuota(ctx => new TokenEstimate(ctx.GetArgument<long>(0), 0));
        app.MapGet("/limited", () => "ok");
    });

    private static async Task<long> UseTinyProfileAsync(ApiTestHost host, string user, long? input = 1000, int perHour = 100)
    {
        var profile = await host.Profiles.CreateAsync(new NewConsumptionProfile { Name = $"Tiny-{user}", InputTokensPerMonth = input, OutputTokensPerMonth = 1000, PromptsPerHour = perHour });
        await host.Profiles.AssignAsync(user, profile.Id);
        return profile.Id;
    }

    [Test]
    public async Task AnAdmittedCallCommitsTheEstimateOrTheReportedUsage()
    {
        await using var host = await StartAsync();
        using (var r = await host.AsUser("alice", HttpMethod.Post, "/chat"))
        {
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(r.Headers.GetValues("RateLimit-Limit").Single(), Is.EqualTo("50"));
            Assert.That(r.Headers.GetValues("RateLimit-Remaining").Single(), Is.EqualTo("49"));
        }

        var status = await host.Checker.GetStatusAsync("alice");
        Assert.That((status.InputTokens.Used, status.OutputTokens.Used, status.InputTokens.Reserved), Is.EqualTo((100L, 50L, 0L)));

        using (var r = await host.AsUser("bob", HttpMethod.Post, "/chat-reported"))
        {
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        status = await host.Checker.GetStatusAsync("bob");
        Assert.That((status.InputTokens.Used, status.OutputTokens.Used), Is.EqualTo((7L, 3L)));

        using (var r = await host.AsUser("carol", HttpMethod.Post, "/chat-result"))
        {
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        status = await host.Checker.GetStatusAsync("carol");
        Assert.That((status.InputTokens.Used, status.OutputTokens.Used), Is.EqualTo((11L, 22L)));
    }

    [Test]
    public async Task AFailingEndpointReleasesItsReservation()
    {
        await using var host = await StartAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await host.AsUser("alice", HttpMethod.Post, "/chat-throws"));
        var status = await host.Checker.GetStatusAsync("alice");
        Assert.That((status.InputTokens.Used, status.InputTokens.Reserved), Is.EqualTo((0L, 0L)));
    }

    [Test]
    public async Task AnonymousCallsGet401()
    {
        await using var host = await StartAsync();
        using var response = await host.Client.SendAsync(host.Request(HttpMethod.Post, "/chat"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task ATokenRefusalAnswers429WithTheFiguresAndHeaders()
    {
        await using var host = await StartAsync();
        await UseTinyProfileAsync(host, "alice", input: 1000);
        using (var ok = await host.AsUser("alice", HttpMethod.Post, "/chat-estimated/950"))
        {
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var response = await host.AsUser("alice", HttpMethod.Post, "/chat-estimated/100");
        var json = await ApiTestHost.Json(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(json.GetProperty("detail").GetString(), Is.EqualTo("Input token quota exceeded. Limit: 1,000/month, Used: 950, Remaining: 50"));
        Assert.That(json.GetProperty("limit_name").GetString(), Is.EqualTo("input_tokens_per_month"));
        Assert.That(json.GetProperty("limit").GetInt64(), Is.EqualTo(1000));
        Assert.That(json.GetProperty("used").GetInt64(), Is.EqualTo(950));
        Assert.That(json.GetProperty("remaining").GetInt64(), Is.EqualTo(50));
        var resetsAt = json.GetProperty("resets_at").GetDateTimeOffset();
        Assert.That(resetsAt, Is.EqualTo(QuotaPeriod.Current(TimeProvider.System).End));
        var retryAfter = long.Parse(response.Headers.GetValues("Retry-After").Single());
        Assert.That(retryAfter, Is.InRange(1, 31 * 24 * 3600));
        Assert.That(response.Headers.GetValues("RateLimit-Limit").Single(), Is.EqualTo("1000"));
        Assert.That(response.Headers.GetValues("RateLimit-Remaining").Single(), Is.EqualTo("50"));
        Assert.That(response.Headers.GetValues("RateLimit-Reset").Single(), Is.EqualTo(retryAfter.ToString()));

        // The refused call counted no prompt and held no tokens.
        var status = await host.Checker.GetStatusAsync("alice");
        Assert.That((status.InputTokens.Used, status.InputTokens.Reserved), Is.EqualTo((950L, 0L)));
    }

    [Test]
    public async Task A429AlsoCarriesTheSeedsErrorAndQuotaInfoForClientsWrittenAgainstIt()
    {
        await using var host = await StartAsync();
        await UseTinyProfileAsync(host, "alice", input: 1000, perHour: 2);
        using (var ok = await host.AsUser("alice", HttpMethod.Post, "/chat-estimated/950"))
        {
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var tokens = await host.AsUser("alice", HttpMethod.Post, "/chat-estimated/100");
        var json = await ApiTestHost.Json(tokens);
        var info = json.GetProperty("quota_info");
        Assert.Multiple(() =>
        {
            Assert.That(tokens.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(json.GetProperty("error").GetString(), Is.EqualTo("Input token quota exceeded. Limit: 1,000/month, Used: 950, Remaining: 50"));
            Assert.That(info.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "input_limit", "output_limit", "input_used", "output_used", "input_remaining", "output_remaining" }));
            Assert.That(info.GetProperty("input_limit").GetInt64(), Is.EqualTo(1000));
            Assert.That(info.GetProperty("input_used").GetInt64(), Is.EqualTo(950));
            Assert.That(info.GetProperty("input_remaining").GetInt64(), Is.EqualTo(50));
            Assert.That(info.GetProperty("output_limit").GetInt64(), Is.EqualTo(1000));
            Assert.That(json.GetProperty("detail").GetString(), Is.EqualTo(json.GetProperty("error").GetString()), "still ProblemDetails");
        });

        // A rate refusal carries the seed's error too (its quota_info belonged to token checks only).
        using (var second = await host.AsUser("alice", HttpMethod.Post, "/chat-estimated/1"))
        {
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var rate = await host.AsUser("alice", HttpMethod.Post, "/chat-estimated/1");
        var rateJson = await ApiTestHost.Json(rate);
        Assert.Multiple(() =>
        {
            Assert.That(rate.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(rateJson.GetProperty("error").GetString(), Does.StartWith("Hourly prompt limit exceeded (2/hour)."));
            Assert.That(rateJson.TryGetProperty("quota_info", out _), Is.False);
        });
    }

    [Test]
    public async Task ARateRefusalAnswers429AndReleasesTheReservedTokens()
    {
        await using var host = await StartAsync();
        await UseTinyProfileAsync(host, "alice", perHour: 2);
        for (var i = 0; i < 2; i++)
        {
            using var ok = await host.AsUser("alice", HttpMethod.Post, "/chat-estimated/10");
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var response = await host.AsUser("alice", HttpMethod.Post, "/chat-estimated/10");
        var json = await ApiTestHost.Json(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(json.GetProperty("limit_name").GetString(), Is.EqualTo("prompts_per_hour"));
        Assert.That(json.GetProperty("limit").GetInt32(), Is.EqualTo(2));
        Assert.That(json.GetProperty("used").GetInt32(), Is.EqualTo(2));
        Assert.That(json.GetProperty("remaining").GetInt32(), Is.Zero);
        Assert.That(json.GetProperty("message").GetString(), Does.StartWith("Hourly prompt limit exceeded"));
        Assert.That(long.Parse(response.Headers.GetValues("Retry-After").Single()), Is.InRange(1, 3600));
        Assert.That(response.Headers.GetValues("RateLimit-Remaining").Single(), Is.EqualTo("0"));
        var status = await host.Checker.GetStatusAsync("alice");
        Assert.That((status.InputTokens.Used, status.InputTokens.Reserved), Is.EqualTo((20L, 0L)));
    }

    [Test]
    public async Task TheRateLimiterAdapterRefusesWith429AndHeaders()
    {
        await using var host = await StartAsync(rateLimiter: true);
        await UseTinyProfileAsync(host, "alice", perHour: 1);
        using (var ok = await host.AsUser("alice", HttpMethod.Get, "/limited"))
        {
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var refused = await host.AsUser("alice", HttpMethod.Get, "/limited");
        var json = await ApiTestHost.Json(refused);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(json.GetProperty("limit_name").GetString(), Is.EqualTo("prompts_per_hour"));
        Assert.That(long.Parse(refused.Headers.GetValues("Retry-After").Single()), Is.InRange(1, 3600));
        Assert.That(refused.Headers.GetValues("RateLimit-Limit").Single(), Is.EqualTo("1"));

        // Requests the selector does not count pass, and another user has its own windows.
        using var other = await host.AsUser("alice", HttpMethod.Get, "/api/v1/auth/user/quota-status");
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var bob = await host.AsUser("bob", HttpMethod.Get, "/limited");
        Assert.That(bob.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task TheAdapterNeverAcquiresSynchronously()
    {
        var policy = new Mock<IRateLimitPolicy>(MockBehavior.Strict);
        policy.Setup(p => p.AcquirePromptAsync("alice", It.IsAny<CancellationToken>()))
            .ReturnsAsync(new RateLimitDecision { IsAllowed = true, Message = string.Empty, Limit = 5, Remaining = 4 });
        using var limiter = new TokenQuotaRateLimiter(policy.Object, _ => "alice");
        var http = new DefaultHttpContext();

        using (var sync = limiter.AttemptAcquire(http))
        {
            Assert.That(sync.IsAcquired, Is.False);
        }

        policy.Verify(p => p.AcquirePromptAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        using var lease = await limiter.AcquireAsync(http);
        Assert.That(lease.IsAcquired, Is.True);
        Assert.That(lease.TryGetMetadata(TokenQuotaRateLimiter.DecisionMetadataName, out var decision), Is.True);
        Assert.That(decision!.Remaining, Is.EqualTo(4));
        policy.Verify(p => p.AcquirePromptAsync("alice", It.IsAny<CancellationToken>()), Times.Once);

        using var refusal = new TokenQuotaRateLimiter(
            Mock.Of<IRateLimitPolicy>(p => p.AcquirePromptAsync("alice", It.IsAny<CancellationToken>()) ==
                ValueTask.FromResult(new RateLimitDecision { IsAllowed = false, Message = "no", RetryAfter = TimeSpan.FromSeconds(90) })),
            _ => "alice");
        using var refused = await refusal.AcquireAsync(http);
        Assert.That(refused.IsAcquired, Is.False);
        Assert.That(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter), Is.True);
        Assert.That(retryAfter, Is.EqualTo(TimeSpan.FromSeconds(90)));
        Assert.That(new ServiceCollection(), Is.Not.Null);
    }
}
