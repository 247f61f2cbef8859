using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenQuota.AspNetCore;

namespace TokenQuota.AspNetCore.Tests;

/// <summary>
/// An in-memory ASP.NET Core host (TestServer) on a real SQLite file in a temporary folder. Requests authenticate with
/// the headers <c>X-User</c> (the user id claim) and <c>X-Roles</c> (comma-separated roles); without them they are anonymous.
/// </summary>
public sealed class ApiTestHost : IAsyncDisposable
{
    private readonly string folder;

    private ApiTestHost(WebApplication app, string folder)
    {
        App = app;
        this.folder = folder;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    public IConsumptionProfileManager Profiles => Services.GetRequiredService<IConsumptionProfileManager>();

    public ITokenQuotaChecker Checker => Services.GetRequiredService<ITokenQuotaChecker>();

    public static async Task<ApiTestHost> StartAsync(
        Action<TokenQuotaAspNetCoreOptions>? options = null,
        bool rateLimiter = false,
        Action<WebApplication>? map = null,
        Action<IServiceCollection>? services = null,
        Action<ITokenQuotaBuilder>? quotas = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "tokenquota-aspnetcore-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var tokenQuotas = builder.Services.AddTokenQuotas().UseSqlite($"Data Source={Path.Combine(folder, "quota.db")}");
        if (options is not null)
        {
            tokenQuotas.ConfigureAspNetCore(options);
        }

        quotas?.Invoke(tokenQuotas);

        builder.Services.AddAuthentication(HeaderAuthHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, HeaderAuthHandler>(HeaderAuthHandler.SchemeName, null);
        builder.Services.AddAuthorization(o => o.AddPolicy("ops", p => p.RequireClaim("department", "ops")));
        builder.Services.AddProblemDetails();
        if (rateLimiter)
        {
            builder.Services.AddTokenQuotaRateLimiter(http => http.Request.Path.StartsWithSegments("/limited") ? http.User.FindFirstValue(ClaimTypes.NameIdentifier) : null);
        }

        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        if (rateLimiter)
        {
            app.UseRateLimiter();
        }

        app.MapTokenQuotaEndpoints();
        map?.Invoke(app);
        await app.StartAsync();
        return new ApiTestHost(app, folder);
    }

    public HttpRequestMessage Request(HttpMethod method, string url, string? user = null, string? roles = null, object? json = null, string? raw = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (user is not null)
        {
            request.Headers.Add("X-User", user);
        }

        if (roles is not null)
        {
            request.Headers.Add("X-Roles", roles);
        }

        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }
        else if (raw is not null)
        {
            request.Content = new StringContent(raw, System.Text.Encoding.UTF8, "application/json");
        }

        return request;
    }

    public Task<HttpResponseMessage> AsAdmin(HttpMethod method, string url, object? json = null, string? raw = null) =>
        Client.SendAsync(Request(method, url, "root", "admin", json, raw));

    public Task<HttpResponseMessage> AsUser(string user, HttpMethod method, string url, object? json = null) =>
        Client.SendAsync(Request(method, url, user, null, json));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}

/// <summary>Authenticates from the X-User and X-Roles headers; extra claims from X-Claims (type=value;…).</summary>
public sealed class HeaderAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue("X-User", out var user))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, user.ToString()), new(ClaimTypes.Name, user.ToString()) };
        foreach (var role in Request.Headers["X-Roles"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            claims.Add(new Claim(ClaimTypes.Role, role));
        }

        foreach (var pair in Request.Headers["X-Claims"].ToString().Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            claims.Add(new Claim(parts[0], parts[1]));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
