using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace TokenQuota.AspNetCore;

/// <summary>
/// Plugs <see cref="IRateLimitPolicy"/> into ASP.NET Core's rate-limiting middleware as a
/// <see cref="PartitionedRateLimiter{TResource}"/> of <see cref="HttpContext"/>: each request is one prompt of the user
/// returned by the selector, judged against the store-backed hourly and daily windows.
/// </summary>
/// <remarks>
/// It is <b>async only</b>: the synchronous <c>AttemptAcquire</c> always returns a failed lease, so the middleware
/// falls back to <c>AcquireAsync</c> and no thread ever blocks on the store. Set <see cref="OnRejectedAsync"/> as the
/// middleware's <c>OnRejected</c> to answer 429 ProblemDetails with <c>Retry-After</c> and <c>RateLimit-*</c> headers
/// (the middleware writes neither by itself).
/// </remarks>
public sealed class TokenQuotaRateLimiter : PartitionedRateLimiter<HttpContext>
{
    private static readonly RateLimitLease SyncRefusal = new Lease(false, null, "TokenQuota acquires asynchronously only.");
    private static readonly RateLimitLease Unlimited = new Lease(true, null, null);

    private readonly IRateLimitPolicy policy;
    private readonly Func<HttpContext, string?> userIdSelector;

    /// <summary>Creates the limiter.</summary>
    /// <param name="policy">The rate-limit policy, usually resolved from DI.</param>
    /// <param name="userIdSelector">
    /// Returns the user id a request counts against, or <see langword="null"/> to let the request through uncounted
    /// (for example anonymous requests, or paths that are not prompts).
    /// </param>
    public TokenQuotaRateLimiter(IRateLimitPolicy policy, Func<HttpContext, string?> userIdSelector)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(userIdSelector);
        this.policy = policy;
        this.userIdSelector = userIdSelector;
    }

    /// <summary>Gets the lease metadata that carries the full <see cref="RateLimitDecision"/>.</summary>
    public static MetadataName<RateLimitDecision> DecisionMetadataName { get; } = MetadataName.Create<RateLimitDecision>("TokenQuota.RateLimitDecision");

    /// <summary>
    /// An <c>OnRejected</c> callback for <c>RateLimiterOptions</c>: answers 429 ProblemDetails with the decision's limit,
    /// used, remaining and reset time, and sets <c>Retry-After</c> and <c>RateLimit-Limit</c>/<c>-Remaining</c>/<c>-Reset</c>.
    /// </summary>
    /// <param name="context">The rejection context.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    /// <returns>A task that completes when the answer is written.</returns>
    public static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        QuotaRejection.Figures figures;
        if (context.Lease.TryGetMetadata(DecisionMetadataName, out var decision) && decision is not null)
        {
            figures = QuotaRejection.ForRate(decision);
        }
        else
        {
            context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
            figures = new QuotaRejection.Figures("Rate limit exceeded.", "rate_limit", null, null, 0, 1, null, retryAfter);
        }

        var problem = QuotaRejection.Apply(http, figures);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        await TypedResults.Problem(problem).ExecuteAsync(http);
    }

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    /// <summary>Always fails: the store is only ever called asynchronously (see the remarks of the class).</summary>
    /// <param name="resource">The request.</param>
    /// <param name="permitCount">The permits asked for.</param>
    /// <returns>A failed lease.</returns>
    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) => SyncRefusal;

    /// <summary>Admits the request as one prompt of its user, counting it in the store, or refuses it.</summary>
    /// <param name="resource">The request.</param>
    /// <param name="permitCount">0 (only asks, counts nothing) or 1 (one prompt).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The lease, carrying <see cref="MetadataName.RetryAfter"/>, <see cref="MetadataName.ReasonPhrase"/> and <see cref="DecisionMetadataName"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="permitCount"/> is not 0 or 1.</exception>
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, 1);
        var userId = userIdSelector(resource);
        if (permitCount == 0 || string.IsNullOrEmpty(userId))
        {
            return Unlimited;
        }

        var decision = await policy.AcquirePromptAsync(userId, cancellationToken).ConfigureAwait(false);
        return new Lease(decision.IsAllowed, decision, decision.IsAllowed ? null : decision.Message);
    }

    private sealed class Lease(bool isAcquired, RateLimitDecision? decision, string? reason) : RateLimitLease
    {
        public override bool IsAcquired { get; } = isAcquired;

        public override IEnumerable<string> MetadataNames
        {
            get
            {
                if (decision is not null)
                {
                    yield return DecisionMetadataName.Name;
                    if (!decision.IsAllowed)
                    {
                        yield return MetadataName.RetryAfter.Name;
                    }
                }

                if (reason is not null)
                {
                    yield return MetadataName.ReasonPhrase.Name;
                }
            }
        }

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName switch
            {
                _ when metadataName == DecisionMetadataName.Name => decision,
                _ when metadataName == MetadataName.RetryAfter.Name && decision is { IsAllowed: false } => decision.RetryAfter,
                _ when metadataName == MetadataName.ReasonPhrase.Name => reason,
                _ => null,
            };
            return metadata is not null;
        }
    }
}
