using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using TokenQuota.AspNetCore;

namespace TokenQuota.Samples.WebHost;

/// <summary>Builds the sample web app; Program.cs runs it, and the browser tests serve it on a free port.</summary>
public static class WebHostApp
{
    /// <summary>Builds the app.</summary>
    /// <param name="args">Command-line arguments (for example <c>--urls</c>, <c>--TokenQuota:ConnectionString</c>).</param>
    /// <param name="configure">Adjusts the builder before services are added (tests set the URL, database and web root here).</param>
    /// <param name="webRootPath">The folder of the static files, or <see langword="null"/> for the project's wwwroot.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, string? webRootPath = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, WebRootPath = webRootPath });
        configure?.Invoke(builder);
        var connectionString = builder.Configuration["TokenQuota:ConnectionString"] ?? "Data Source=tokenquota-sample.db";

        builder.Services.AddTokenQuotas().UseSqlite(connectionString).UseUserDirectory<DemoUserDirectory>();
        builder.Services.AddHealthChecks().AddTokenQuotaHealthChecks();
        builder.Services.AddSingleton<InProcessMetrics>();
        builder.Services.AddProblemDetails();
        builder.Services.AddAuthorization();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = "/signin.html";
                o.Cookie.Name = "tokenquota-sample";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.SlidingExpiration = true;

                // APIs answer 401/403 instead of redirecting to the sign-in page.
                o.Events.OnRedirectToLogin = c => ApiOrRedirect(c, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = c => ApiOrRedirect(c, StatusCodes.Status403Forbidden);
            });

        var app = builder.Build();
        app.Services.GetRequiredService<InProcessMetrics>();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapPost("/account/signin", async (HttpContext http, SignInRequest request) =>
        {
            var user = DemoUsers.SignIn(request.UserName, request.Password);
            if (user is null)
            {
                return Results.Json(new { status = "error", message = "Invalid user name or password." }, statusCode: StatusCodes.Status401Unauthorized);
            }

            List<Claim> claims = [new(ClaimTypes.NameIdentifier, user.Id), new(ClaimTypes.Name, user.Name)];
            if (user.IsAdmin)
            {
                claims.Add(new(ClaimTypes.Role, "admin"));
            }

            await http.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
            return Results.Json(new { status = "success", user = Describe(user) });
        });
        app.MapPost("/account/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync();
            return Results.Json(new { status = "success" });
        });
        app.MapGet("/api/me", (ClaimsPrincipal principal) =>
        {
            var user = DemoUsers.All.First(u => u.Id == principal.FindFirstValue(ClaimTypes.NameIdentifier));
            return Results.Json(Describe(user));
        }).RequireAuthorization();

        // The admin panel's user list: the host knows its users, TokenQuota only knows ids and assignments.
        app.MapGet("/api/demo/users", async (IConsumptionProfileManager profiles, CancellationToken ct) =>
        {
            var assigned = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var profile in await profiles.ListAsync(ct))
            {
                var page = await profiles.ListAssignmentsAsync(profile.Id, 0, 1000, ct);
                foreach (var a in page.Items)
                {
                    assigned[a.UserId] = a.ProfileId;
                }
            }

            var users = DemoUsers.All.Select(u => new
            {
                user_id = u.Id,
                name = u.Name,
                is_admin = u.IsAdmin,
                consumption_profile_id = assigned.TryGetValue(u.Id, out var id) ? id : (long?)null,
            });
            return Results.Json(new { status = "success", users });
        }).RequireAuthorization(p => p.RequireRole("admin"));

        // The quota store's health: readiness (/health, every check) and liveness (/health/live, no check: a store
        // outage should take the instance out of rotation, not restart it).
        app.MapHealthChecks("/health");
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });

        // The admin panel's metrics section: the TokenQuota meter read in this process.
        app.MapGet("/api/demo/metrics", (InProcessMetrics metrics) => Results.Json(new { status = "success", series = metrics.Snapshot() }))
            .RequireAuthorization(p => p.RequireRole("admin"));

        app.MapPost("/api/chat", (ChatRequest request, CancellationToken ct) => FakeChatModel.CompleteAsync(request, ct))
            .RequireTokenQuota(ctx => FakeChatModel.Estimate(ctx.GetArgument<ChatRequest>(0)));

        app.MapTokenQuotaEndpoints();
        return app;
    }

    private static object Describe(DemoUser user) => new { user_id = user.Id, name = user.Name, is_admin = user.IsAdmin };

    private static Task ApiOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int statusCode)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/account"))
        {
            context.Response.StatusCode = statusCode;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>The body of <c>POST /account/signin</c>.</summary>
    public sealed record SignInRequest(string? UserName, string? Password);
}
