using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.AspNetCore;

/// <summary>
/// Authorizes TokenQuota's routes the way the seed's <c>@require_admin</c> did, with its messages: an anonymous caller
/// gets 401 <c>Authentication required. Please login.</c>, a signed-in caller without the admin policy 403
/// <c>Admin privileges required.</c>, both as ProblemDetails with the seed's <c>message</c>. The host's authentication
/// scheme still challenges or forbids first (its <c>WWW-Authenticate</c> header, a cookie scheme's redirect); the body
/// is written only when the scheme answered 401 or 403 itself.
/// </summary>
/// <remarks>
/// It runs as the routes' first endpoint filter, before any handler reads the request: every route binds only the
/// <see cref="HttpContext"/> and constrained route values, so nothing about the request is judged before the caller.
/// </remarks>
internal sealed class SeedAuthorizationFilter(string? policyName, AuthorizationPolicy? policy, string forbiddenMessage) : IEndpointFilter
{
    public const string UnauthenticatedMessage = "Authentication required. Please login.";
    public const string NotAdminMessage = "Admin privileges required.";

    /// <summary>The filter of the admin routes: the named policy, or an authenticated user in <paramref name="role"/>.</summary>
    public static SeedAuthorizationFilter Admin(string? policyName, string role) =>
        new(policyName, policyName is null ? new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireRole(role).Build() : null, NotAdminMessage);

    /// <summary>The filter of a route any signed-in user may call.</summary>
    public static SeedAuthorizationFilter SignedIn() =>
        new(null, new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build(), NotAdminMessage);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.Identity?.IsAuthenticated != true)
        {
            await http.ChallengeAsync().ConfigureAwait(false);
            return Refusal(http, StatusCodes.Status401Unauthorized, "Unauthorized", UnauthenticatedMessage);
        }

        var authorization = http.RequestServices.GetRequiredService<IAuthorizationService>();
        var result = policy is not null
            ? await authorization.AuthorizeAsync(http.User, policy).ConfigureAwait(false)
            : await authorization.AuthorizeAsync(http.User, policyName!).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            await http.ForbidAsync().ConfigureAwait(false);
            return Refusal(http, StatusCodes.Status403Forbidden, "Forbidden", forbiddenMessage);
        }

        return await next(context).ConfigureAwait(false);
    }

    /// <summary>The seed's body, unless the scheme answered otherwise (a redirect to a sign-in page, say).</summary>
    private static IResult Refusal(HttpContext http, int statusCode, string title, string message) =>
        http.Response.HasStarted || (http.Response.StatusCode != statusCode && http.Response.StatusCode != StatusCodes.Status200OK)
            ? Results.Empty
            : ApiResults.Problem(statusCode, title, message);
}
