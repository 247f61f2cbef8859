using Microsoft.Extensions.AI;

namespace TokenQuota.Extensions.AI;

/// <summary>Configures a <see cref="TokenQuotaChatClient"/>; passed to <c>ChatClientBuilder.UseTokenQuotas(configure)</c>.</summary>
public sealed class TokenQuotaChatClientOptions
{
    /// <summary>
    /// Gets or sets how the host finds the user of a call when the call does not name one through
    /// <see cref="TokenQuotaChatOptionsExtensions.WithTokenQuotaUser"/>: it receives the chat client pipeline's
    /// <see cref="IServiceProvider"/> and the call's options, and returns the user id or <see langword="null"/>.
    /// For example <c>(sp, _) =&gt; sp.GetRequiredService&lt;IHttpContextAccessor&gt;().HttpContext?.User.FindFirst("sub")?.Value</c>.
    /// </summary>
    /// <remarks>
    /// The user id is resolved in this order: the call's <see cref="ChatOptions.AdditionalProperties"/> entry
    /// <see cref="TokenQuotaChatClient.UserIdPropertyKey"/>, then this delegate, then <see cref="FallbackUserId"/>.
    /// When all three give nothing the call throws <see cref="InvalidOperationException"/> before anything is charged.
    /// </remarks>
    public Func<IServiceProvider, ChatOptions?, string?>? UserIdResolver { get; set; }

    /// <summary>
    /// Gets or sets the user charged when neither the call nor <see cref="UserIdResolver"/> names one, for example a
    /// shared <c>"anonymous"</c> budget. <see langword="null"/> (the default) makes a missing user id an error.
    /// </summary>
    public string? FallbackUserId { get; set; }

    /// <summary>Gets or sets the estimator of input tokens (before the call) and of output tokens (when the provider reports none). Defaults to <see cref="CharacterTokenEstimator.Default"/>.</summary>
    public ITokenEstimator TokenEstimator { get; set; } = CharacterTokenEstimator.Default;

    /// <summary>
    /// Gets or sets the output tokens reserved for a call whose <see cref="ChatOptions.MaxOutputTokens"/> is not set.
    /// Defaults to 1024; must be zero or more.
    /// </summary>
    public int DefaultMaxOutputTokens { get; set; } = 1024;

    /// <summary>
    /// Gets or sets whether the call's <see cref="ChatOptions.MaxOutputTokens"/> is lowered to the output tokens actually
    /// reserved. Defaults to <see langword="true"/>.
    /// </summary>
    /// <remarks>
    /// When on and the user's profile limits output tokens: if the requested output (<see cref="ChatOptions.MaxOutputTokens"/>
    /// or <see cref="DefaultMaxOutputTokens"/>) does not fit the remaining allowance, the reservation is retried with the
    /// remaining allowance (if it is at least <see cref="MinimumOutputTokens"/>), and the request sent to the model carries
    /// <c>MaxOutputTokens</c> = the output reserved (also when the caller set none). A provider that honours
    /// <c>MaxOutputTokens</c> then cannot overshoot the output limit, however many calls run at once. The same holds for an
    /// extra limit of the profile on output tokens, total tokens or cost for the call's model: the reservation is retried
    /// with the output that still fits it (for cost, the output tokens the remaining money buys beside the call's input,
    /// <see cref="QuotaCheckResult.OutputTokensThatFit"/>). When off, a request whose output does not fit is refused and
    /// <c>MaxOutputTokens</c> is passed on unchanged.
    /// </remarks>
    public bool ClampMaxOutputTokens { get; set; } = true;

    /// <summary>
    /// Gets or sets the fewest output tokens a clamped request may be given; with less left the call is refused.
    /// Defaults to 1; must be at least 1.
    /// </summary>
    public int MinimumOutputTokens { get; set; } = 1;

    /// <summary>
    /// Gets or sets whether each call first acquires a prompt from <see cref="IRateLimitPolicy"/> (hourly and daily
    /// prompt limits). Defaults to <see langword="true"/>.
    /// </summary>
    public bool EnforceRateLimits { get; set; } = true;

    /// <summary>
    /// Gets or sets whether a call whose last message is a tool result (the follow-up round-trip of a tool-calling loop,
    /// as <c>UseFunctionInvocation()</c> sends it) counts as a new prompt for the rate limits. Defaults to
    /// <see langword="false"/>: one user prompt is one prompt, however many tool round-trips it takes. Its tokens are
    /// always charged.
    /// </summary>
    public bool CountToolResultRoundTripsAsPrompts { get; set; }

    /// <summary>
    /// Gets or sets whether input tokens the provider read from its prompt cache are charged. Defaults to
    /// <see langword="true"/>: <see cref="UsageDetails.InputTokenCount"/> (which includes cached tokens) is charged as
    /// reported. When <see langword="false"/>, <see cref="UsageDetails.CachedInputTokenCount"/> is subtracted.
    /// </summary>
    public bool ChargeCachedInputTokens { get; set; } = true;

    /// <summary>
    /// Gets or sets whether reasoning ("thinking") tokens are charged as output. Defaults to <see langword="true"/>:
    /// <see cref="UsageDetails.OutputTokenCount"/> (which includes reasoning tokens) is charged as reported. When
    /// <see langword="false"/>, <see cref="UsageDetails.ReasoningTokenCount"/> is subtracted.
    /// </summary>
    public bool ChargeReasoningTokens { get; set; } = true;

    /// <summary>
    /// Gets or sets how long a call's reservation holds if this process dies before committing or releasing it.
    /// Defaults to <see cref="QuotaReservationOptions.DefaultTtl"/> (10 minutes); make it longer than your longest
    /// stream. A commit after the TTL is still recorded in full.
    /// </summary>
    public TimeSpan ReservationTtl { get; set; } = QuotaReservationOptions.DefaultTtl;
}
