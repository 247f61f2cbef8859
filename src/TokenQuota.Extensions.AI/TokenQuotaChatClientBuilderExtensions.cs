using Microsoft.Extensions.DependencyInjection;
using TokenQuota;
using TokenQuota.Extensions.AI;

namespace Microsoft.Extensions.AI;

/// <summary>Adds TokenQuota enforcement to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class TokenQuotaChatClientBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="TokenQuotaChatClient"/> to the pipeline: every call acquires a prompt from the user's rate
    /// limits, reserves its estimated tokens, optionally lowers <see cref="ChatOptions.MaxOutputTokens"/> to what is left,
    /// and commits the usage the provider reports (streaming included). A refusal throws
    /// <see cref="TokenQuotaExceededException"/> before the inner client is called.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <see cref="ITokenQuotaChecker"/> and <see cref="IRateLimitPolicy"/> come from the <see cref="IServiceProvider"/>
    /// the pipeline is built with (register them with <c>services.AddTokenQuotas().UseSqlite(…)</c>).
    /// </para>
    /// <para>
    /// <b>Order.</b> The first <c>Use…</c> is the outermost layer. <c>.UseFunctionInvocation().UseTokenQuotas()</c>
    /// puts TokenQuota inside the tool loop: each model round-trip is reserved, clamped and charged on its own (a hard
    /// cap; a refusal can end a loop midway), and one user prompt counts once against the prompt limits.
    /// <c>.UseTokenQuotas().UseFunctionInvocation()</c> puts it outside: one reservation for the whole loop, charged the
    /// loop's summed usage when it ends, which can exceed the reservation. Keep TokenQuota inside any caching layer so
    /// cache hits are not charged.
    /// </para>
    /// </remarks>
    /// <param name="builder">The chat client builder.</param>
    /// <param name="configure">Configures the options: user id resolution, estimator, clamping, what counts.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static ChatClientBuilder UseTokenQuotas(this ChatClientBuilder builder, Action<TokenQuotaChatClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((innerClient, services) =>
        {
            var options = new TokenQuotaChatClientOptions();
            configure?.Invoke(options);
            var checker = services.GetService<ITokenQuotaChecker>() ?? throw NotRegistered(nameof(ITokenQuotaChecker));
            var rateLimits = options.EnforceRateLimits
                ? services.GetService<IRateLimitPolicy>() ?? throw NotRegistered(nameof(IRateLimitPolicy))
                : null;
            return new TokenQuotaChatClient(innerClient, checker, rateLimits, options, services);
        });
    }

    private static InvalidOperationException NotRegistered(string service) => new(
        $"UseTokenQuotas() needs {service} from the chat client's service provider. Register TokenQuota, for example " +
        "services.AddTokenQuotas().UseSqlite(\"Data Source=tokenquota.db\"), and build the pipeline with that provider " +
        "(services.AddChatClient(...) does; a hand-built pipeline needs builder.Build(serviceProvider)).");
}
