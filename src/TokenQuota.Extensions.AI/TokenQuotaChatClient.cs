using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TokenQuota.Extensions.AI;

/// <summary>
/// Chat client middleware that enforces TokenQuota around every call: the user's prompt rate limits, and a reservation
/// of the call's estimated tokens that is committed with the usage the provider reports. Add it with
/// <c>ChatClientBuilder.UseTokenQuotas()</c>.
/// </summary>
/// <remarks>
/// <para><b>Flow of a call.</b></para>
/// <list type="number">
/// <item>Resolve the user: the <see cref="UserIdPropertyKey"/> entry of <see cref="ChatOptions.AdditionalProperties"/>,
/// else <see cref="TokenQuotaChatClientOptions.UserIdResolver"/>, else <see cref="TokenQuotaChatClientOptions.FallbackUserId"/>,
/// else <see cref="InvalidOperationException"/>.</item>
/// <item>Acquire a prompt from <see cref="IRateLimitPolicy"/> (not for a tool-result round-trip unless
/// <see cref="TokenQuotaChatClientOptions.CountToolResultRoundTripsAsPrompts"/>).</item>
/// <item>Reserve the estimated input (<see cref="ITokenEstimator"/>) and the output (<see cref="ChatOptions.MaxOutputTokens"/>
/// or <see cref="TokenQuotaChatClientOptions.DefaultMaxOutputTokens"/>), clamped to the output left when
/// <see cref="TokenQuotaChatClientOptions.ClampMaxOutputTokens"/> is on. A refusal throws
/// <see cref="TokenQuotaExceededException"/>; the inner client is not called.</item>
/// <item>Call the inner client, with <c>MaxOutputTokens</c> lowered to the output reserved when clamping, and without the user id entry.</item>
/// <item>Commit the usage: <see cref="ChatResponse.Usage"/>, or the sum of the stream's <see cref="UsageContent"/>.
/// A count the provider did not report is derived from <see cref="UsageDetails.TotalTokenCount"/> or estimated
/// (input: the pre-call estimate; output: the estimator on the produced text), counted in
/// <see cref="TokenQuotaChatClientDiagnostics.UsageEstimatedInstrument"/> and logged at warning.</item>
/// </list>
/// <para><b>No reservation is left open.</b> If the inner client throws or the call is cancelled before any response
/// (or before the first streamed update), the reservation is released. If a stream ends early (the consumer stops
/// enumerating, cancels, or the inner client throws midway), what was streamed is committed (usage seen so far, else
/// the input estimate plus the estimated output of the streamed text) and the rest is released.</para>
/// <para><b>What counts.</b> Following Microsoft.Extensions.AI, <see cref="UsageDetails.InputTokenCount"/> includes cached
/// input and <see cref="UsageDetails.OutputTokenCount"/> includes reasoning; both are charged by default (see
/// <see cref="TokenQuotaChatClientOptions.ChargeCachedInputTokens"/> and <see cref="TokenQuotaChatClientOptions.ChargeReasoningTokens"/>).</para>
/// </remarks>
public sealed partial class TokenQuotaChatClient : DelegatingChatClient
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key naming the user of a call: <c>tokenquota.user_id</c>. Set it with <c>options.WithTokenQuotaUser(userId)</c>.</summary>
    public const string UserIdPropertyKey = "tokenquota.user_id";

    private const int MaxReserveAttempts = 3;

    private readonly ITokenQuotaChecker checker;
    private readonly IRateLimitPolicy? rateLimits;
    private readonly TokenQuotaChatClientOptions settings;
    private readonly IServiceProvider services;
    private readonly ILogger logger;
    private readonly ChatClientMetrics metrics;

    /// <summary>Creates the middleware around <paramref name="innerClient"/>.</summary>
    /// <param name="innerClient">The client that calls the model.</param>
    /// <param name="checker">Reserves and commits the tokens.</param>
    /// <param name="rateLimitPolicy">Admits prompts; <see langword="null"/> skips the prompt rate limits.</param>
    /// <param name="options">The options; the defaults when <see langword="null"/>. Read once: later changes are not seen.</param>
    /// <param name="services">
    /// Passed to <see cref="TokenQuotaChatClientOptions.UserIdResolver"/>; also supplies the optional
    /// <see cref="ILoggerFactory"/> and <see cref="IMeterFactory"/>.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public TokenQuotaChatClient(
        IChatClient innerClient,
        ITokenQuotaChecker checker,
        IRateLimitPolicy? rateLimitPolicy = null,
        TokenQuotaChatClientOptions? options = null,
        IServiceProvider? services = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(checker);
        settings = options ?? new TokenQuotaChatClientOptions();
        TokenQuotaChatClientOptionsValidator.ThrowIfInvalid(settings);
        this.checker = checker;
        rateLimits = settings.EnforceRateLimits ? rateLimitPolicy : null;
        this.services = services ?? EmptyServiceProvider.Instance;
        logger = (this.services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<TokenQuotaChatClient>();
        metrics = new ChatClientMetrics(this.services.GetService<IMeterFactory>());
    }

    /// <inheritdoc />
    /// <exception cref="TokenQuotaExceededException">The user's rate limits or token budget refused the call; the inner client was not called.</exception>
    /// <exception cref="InvalidOperationException">No user id could be resolved for the call.</exception>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var activity = ChatClientTracing.Start(options, streaming: false);
        try
        {
            var response = await RespondAsync(messages, options, cancellationToken).ConfigureAwait(false);
            ChatClientTracing.Completed(activity, response.ModelId);
            return response;
        }
        catch (Exception ex)
        {
            ChatClientTracing.Failed(activity, ex, cancellationToken);
            throw;
        }
    }

    private async Task<ChatResponse> RespondAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var list = Materialize(messages);
        var call = await BeginAsync(list, options, cancellationToken).ConfigureAwait(false);
        try
        {
            ChatResponse response;
            try
            {
                response = await base.GetResponseAsync(list, call.Options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await call.Reservation.DisposeAsync().ConfigureAwait(false);
                ChatClientLog.CallReleased(logger, call.UserId, ex is OperationCanceledException ? "cancelled" : "the inner client threw", call.Reservation.RequestId);
                throw;
            }

            var charge = UsageAccounting.Measure(response.Usage, call.EstimatedInputTokens, () => EstimateOutput(response.Messages), settings);
            ReportEstimate(call, charge, streaming: false);
            await CommitAsync(call, charge, response.ModelId).ConfigureAwait(false);
            return response;
        }
        finally
        {
            await call.Reservation.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Returns this client, the <see cref="ITokenQuotaChecker"/> it charges (for reading a user's status), or asks the inner client.</summary>
    /// <param name="serviceType">The type of service requested.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(ITokenQuotaChecker)
            ? checker
            : base.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            metrics.Dispose();
        }

        base.Dispose(disposing);
    }

    private static IEnumerable<ChatMessage> Materialize(IEnumerable<ChatMessage> messages) =>
        messages is ICollection<ChatMessage> or IReadOnlyCollection<ChatMessage> ? messages : messages.ToList();

    private static bool IsToolResultRoundTrip(IEnumerable<ChatMessage> messages) =>
        messages.LastOrDefault() is { } last && (last.Role == ChatRole.Tool || last.Contents.Any(c => c is FunctionResultContent));

    private async ValueTask<QuotaCall> BeginAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var userId = ResolveUserId(options);
        var modelId = ModelOf(options);
        if (rateLimits is not null && (settings.CountToolResultRoundTripsAsPrompts || !IsToolResultRoundTrip(messages)))
        {
            var decision = await rateLimits.AcquirePromptForModelAsync(userId, modelId, cancellationToken).ConfigureAwait(false);
            if (!decision.IsAllowed)
            {
                metrics.Refused("rate_limit");
                ChatClientLog.Refused(logger, userId, "rate limit", decision.Message);
                throw new TokenQuotaExceededException(userId, decision);
            }
        }

        var estimatedInput = Math.Clamp(settings.TokenEstimator.EstimateInputTokens(messages, options), 0, TokenCounts.MaxPerCall);
        var requestedOutput = Math.Max(0, options?.MaxOutputTokens ?? settings.DefaultMaxOutputTokens);
        var result = await ReserveAsync(userId, modelId, estimatedInput, requestedOutput, cancellationToken).ConfigureAwait(false);
        var reservation = result.Reservation!;
        if (cancellationToken.IsCancellationRequested)
        {
            await reservation.DisposeAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return new QuotaCall(userId, reservation, estimatedInput, PrepareOptions(userId, options, result.Check, reservation.EstimatedOutputTokens, requestedOutput));
    }

    private string ResolveUserId(ChatOptions? options)
    {
        var userId = options.GetTokenQuotaUser() ?? settings.UserIdResolver?.Invoke(services, options) ?? settings.FallbackUserId;
        if (userId is null)
        {
            throw new InvalidOperationException(
                "TokenQuota cannot tell which user this chat call is for. Name the user per call with " +
                "new ChatOptions().WithTokenQuotaUser(userId) (ChatOptions.AdditionalProperties[\"" + UserIdPropertyKey + "\"]), " +
                "for the whole host with TokenQuotaChatClientOptions.UserIdResolver, or set TokenQuotaChatClientOptions.FallbackUserId.");
        }

        UserIds.Validate(userId);
        return userId;
    }

    // The model a call is for: the request's, else the inner client's default (its metadata); extra limits with a model
    // filter apply to it.
    private string? ModelOf(ChatOptions? options) =>
        options?.ModelId is { Length: > 0 } requested ? requested : this.GetService<ChatClientMetadata>()?.DefaultModelId;

    private async ValueTask<QuotaReservationResult> ReserveAsync(string userId, string? modelId, long input, long output, CancellationToken cancellationToken)
    {
        var reservationOptions = new QuotaReservationOptions { Ttl = settings.ReservationTtl, ModelId = modelId };

        // ReserveAsync releases the reservation when its token is cancelled, even later. This client settles every
        // reservation itself (a cancelled stream commits what it streamed), so that token covers only the reserve call.
        using var reserveCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var result = await checker.ReserveAsync(userId, input, output, reservationOptions, reserveCancellation.Token).ConfigureAwait(false);
            if (result.IsAllowed)
            {
                return result;
            }

            // Clamping: a limit on the output (the standard one, or an extra limit on output, total tokens or cost) refused,
            // so retry with the output that still fits it (others may reserve meanwhile).
            var fits = result.Check.DeniedDimension == TokenDimension.Output ? result.Check.Output.Remaining ?? 0 : result.Check.OutputTokensThatFit;
            var left = Math.Min(output, fits ?? -1);
            if (!settings.ClampMaxOutputTokens || fits is null || left >= output
                || attempt == MaxReserveAttempts || left < settings.MinimumOutputTokens)
            {
                metrics.Refused("token_quota");
                ChatClientLog.Refused(logger, userId, "token quota", result.Check.Message);
                throw new TokenQuotaExceededException(userId, result.Check);
            }

            output = left;
        }
    }

    private ChatOptions? PrepareOptions(string userId, ChatOptions? options, QuotaCheckResult check, long reservedOutput, long requestedOutput)
    {
        int? maxOutput = null;
        if (settings.ClampMaxOutputTokens && (check.Output.Limit is not null || reservedOutput < requestedOutput) && (options?.MaxOutputTokens is not { } max || max > reservedOutput))
        {
            maxOutput = (int)Math.Min(reservedOutput, int.MaxValue);
            if (reservedOutput < requestedOutput)
            {
                metrics.Clamped();
                ChatClientLog.Clamped(logger, userId, requestedOutput, reservedOutput);
            }
        }

        var carriesUserId = options?.AdditionalProperties?.ContainsKey(UserIdPropertyKey) == true;
        if (maxOutput is null && !carriesUserId)
        {
            return options;
        }

        // Never mutate the caller's options: ChatOptions.Clone() copies AdditionalProperties into a new dictionary.
        var effective = options?.Clone() ?? new ChatOptions();
        if (carriesUserId)
        {
            effective.AdditionalProperties!.Remove(UserIdPropertyKey);
        }

        if (maxOutput is { } value)
        {
            effective.MaxOutputTokens = value;
        }

        return effective;
    }

    private long EstimateOutput(IEnumerable<ChatMessage> produced)
    {
        var text = new StringBuilder();
        foreach (var message in produced)
        {
            ChatText.Append(text, message.Contents, includeToolResults: false);
        }

        return settings.TokenEstimator.EstimateOutputTokens(text.ToString());
    }

    private void ReportEstimate(QuotaCall call, Charge charge, bool streaming)
    {
        if (charge.Source == ChargeSource.Reported)
        {
            return;
        }

        var noUsage = charge.Source == ChargeSource.Estimated;
        metrics.UsageEstimated(noUsage ? "no_usage" : "partial_usage", streaming);
        ChatClientLog.UsageEstimated(logger, noUsage ? "no usage" : "partial usage", call.UserId, charge.InputTokens, charge.OutputTokens, call.Reservation.RequestId, streaming);
    }

    private async ValueTask CommitAsync(QuotaCall call, Charge charge, string? respondingModelId)
    {
        // The model the limits judged at reserve is the one charged; the response's model names a call reserved without one.
        var usage = new CallUsage
        {
            InputTokens = charge.InputTokens,
            OutputTokens = charge.OutputTokens,
            CachedInputTokens = charge.CachedInputTokens,
            ReasoningTokens = charge.ReasoningTokens,
            ModelId = call.Reservation.ModelId ?? (respondingModelId is { Length: > 0 } responding && ModelIdIsValid(responding) ? responding : null),
        };
        try
        {
            // Not cancellable: the tokens were used, whatever happened to the caller's token.
            await call.Reservation.CommitCallAsync(usage, CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException) when (call.Reservation.State == QuotaReservationState.Released)
        {
            ChatClientLog.RecordedAfterRelease(logger, call.Reservation.RequestId, call.UserId);
            await checker.RecordCallAsync(call.UserId, usage, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static bool ModelIdIsValid(string modelId) =>
        modelId.Length <= ModelFilter.MaxLength && !modelId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));

    /// <summary>One admitted call: its user, its held reservation, its input estimate and the options sent on.</summary>
    private sealed record QuotaCall(string UserId, QuotaReservation Reservation, long EstimatedInputTokens, ChatOptions? Options);

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
