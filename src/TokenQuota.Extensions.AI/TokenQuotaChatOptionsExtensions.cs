using TokenQuota;
using TokenQuota.Extensions.AI;

namespace Microsoft.Extensions.AI;

/// <summary>Names the TokenQuota user of one chat call through <see cref="ChatOptions.AdditionalProperties"/>.</summary>
public static class TokenQuotaChatOptionsExtensions
{
    /// <summary>
    /// Sets the user whose quota the call is charged to: <c>new ChatOptions().WithTokenQuotaUser("alice")</c>. Stored
    /// in <see cref="ChatOptions.AdditionalProperties"/> under <see cref="TokenQuotaChatClient.UserIdPropertyKey"/>;
    /// <see cref="TokenQuotaChatClient"/> removes the entry before passing the options on, so it never reaches the provider.
    /// </summary>
    /// <param name="options">The call's options.</param>
    /// <param name="userId">The user id, 1–128 characters.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentException">The user id is invalid.</exception>
    public static ChatOptions WithTokenQuotaUser(this ChatOptions options, string userId)
    {
        ArgumentNullException.ThrowIfNull(options);
        UserIds.Validate(userId);
        (options.AdditionalProperties ??= [])[TokenQuotaChatClient.UserIdPropertyKey] = userId;
        return options;
    }

    /// <summary>Gets the user set by <see cref="WithTokenQuotaUser"/>, or <see langword="null"/> when none is set.</summary>
    /// <param name="options">The call's options, or <see langword="null"/>.</param>
    /// <returns>The user id, or <see langword="null"/>.</returns>
    public static string? GetTokenQuotaUser(this ChatOptions? options) =>
        options?.AdditionalProperties is { } properties && properties.TryGetValue(TokenQuotaChatClient.UserIdPropertyKey, out var value)
            ? value as string ?? value?.ToString()
            : null;
}
