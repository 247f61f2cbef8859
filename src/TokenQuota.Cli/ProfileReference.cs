using System.Globalization;

namespace TokenQuota.Cli;

/// <summary>
/// Resolves a profile named on the command line by id or by name (ignoring case). An id wins over a name that
/// happens to be the same digits.
/// </summary>
internal static class ProfileReference
{
    /// <summary>The word that, where a profile may be left out (<c>assign</c>), returns users to the default profile.</summary>
    public const string None = "none";

    /// <summary>Resolves a profile reference to the profile it names.</summary>
    /// <param name="profiles">The profile manager.</param>
    /// <param name="reference">The id or the name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile's id, and the profile when it exists.</returns>
    /// <exception cref="CliUsageException">No profile has that name (exit 1).</exception>
    /// <remarks>
    /// An id that no profile has is returned as is, without a profile, so the library reports it as not found
    /// (exit 2) inside its own transaction.
    /// </remarks>
    public static async Task<(long Id, ConsumptionProfile? Profile)> ResolveAsync(
        IConsumptionProfileManager profiles, string reference, CancellationToken cancellationToken)
    {
        var trimmed = reference.Trim();
        if (trimmed.Length == 0)
        {
            throw new CliUsageException("The profile is empty; name a profile by its id or its name.");
        }

        var all = await profiles.ListAsync(cancellationToken).ConfigureAwait(false);
        var isId = long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var id);
        if (isId && all.FirstOrDefault(p => p.Id == id) is { } byId)
        {
            return (byId.Id, byId);
        }

        if (all.FirstOrDefault(p => string.Equals(p.Name, trimmed, StringComparison.OrdinalIgnoreCase)) is { } byName)
        {
            return (byName.Id, byName);
        }

        if (isId)
        {
            return (id, null);
        }

        var known = string.Join(", ", all.Select(p => p.Name));
        throw new CliUsageException(
            $"Unknown profile '{trimmed}': no profile has that name or id. Profiles: {(known.Length == 0 ? "(none)" : known)}.");
    }

    /// <summary>Resolves a reference that may be <see cref="None"/> (meaning no profile: back to the default).</summary>
    /// <param name="profiles">The profile manager.</param>
    /// <param name="reference">The id, the name or <c>none</c>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The id (null for none) and the profile when it exists.</returns>
    public static async Task<(long? Id, ConsumptionProfile? Profile)> ResolveOptionalAsync(
        IConsumptionProfileManager profiles, string reference, CancellationToken cancellationToken)
    {
        if (string.Equals(reference.Trim(), None, StringComparison.OrdinalIgnoreCase))
        {
            return (null, null);
        }

        var (id, profile) = await ResolveAsync(profiles, reference, cancellationToken).ConfigureAwait(false);
        return (id, profile);
    }

    /// <summary>Describes a resolved reference for messages.</summary>
    /// <param name="id">The id.</param>
    /// <param name="profile">The profile, when known.</param>
    /// <returns>For example <c>'Pro' (id 2)</c>.</returns>
    public static string Describe(long? id, ConsumptionProfile? profile) =>
        profile is not null ? Format.Profile(profile)
        : id is { } i ? string.Create(CultureInfo.InvariantCulture, $"id {i}")
        : "the default profile";
}
