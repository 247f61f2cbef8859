using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>
/// Resolves the profile that applies to a user, caching the profiles, the rate-limit settings and the assignments until
/// the store's configuration version changes (any administrative change, in any process, increments it).
/// </summary>
internal sealed class ProfileResolver(IQuotaStore store, IOptions<TokenQuotaOptions> options)
{
    private readonly int maxCachedAssignments = options.Value.MaxCachedAssignments;
    private readonly RateLimitSettings defaultSettings = RateLimitSettings.From(options.Value.RateLimits);
    private readonly PriceCatalogue noPrices = Catalogue([], options.Value);
    private volatile Snapshot? snapshot;

    /// <summary>
    /// The rule of DESIGN §3: the assigned profile if it exists and is active; otherwise the active default;
    /// otherwise none.
    /// </summary>
    public static ConsumptionProfile? Resolve(IEnumerable<ConsumptionProfile> profiles, long? assignedProfileId)
    {
        ConsumptionProfile? defaultProfile = null;
        foreach (var profile in profiles)
        {
            if (assignedProfileId == profile.Id && profile.IsActive)
            {
                return profile;
            }

            if (profile.IsDefault && profile.IsActive)
            {
                defaultProfile ??= profile;
            }
        }

        return defaultProfile;
    }

    /// <summary>Gets the rate-limit settings of a database that stores none: the start-up options.</summary>
    public RateLimitSettings DefaultSettings => defaultSettings;

    public ValueTask<ConsumptionProfile?> ResolveAsync(string userId, CancellationToken cancellationToken) =>
        ResolveAsync(userId, knownVersion: null, cancellationToken);

    /// <summary>
    /// Resolves against <paramref name="knownVersion"/>, a configuration version the caller has just read from the
    /// store (for example with the usage, in one statement); <see langword="null"/> reads the version from the store first.
    /// </summary>
    public async ValueTask<ConsumptionProfile?> ResolveAsync(string userId, long? knownVersion, CancellationToken cancellationToken)
    {
        var current = await GetSnapshotAsync(knownVersion, cancellationToken).ConfigureAwait(false);
        return await ResolveAsync(current, userId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resolves the user's profile and shared levels against <paramref name="knownVersion"/>, as <see cref="ResolveAsync(string, long?, CancellationToken)"/> does.</summary>
    public async ValueTask<ResolvedSubjects> ResolveSubjectsAsync(string userId, long? knownVersion, CancellationToken cancellationToken)
    {
        var current = await GetSnapshotAsync(knownVersion, cancellationToken).ConfigureAwait(false);
        return await ResolveSubjectsAsync(current, userId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Gets the cached configuration of <paramref name="knownVersion"/> (<see langword="null"/> reads the version from the store first),
    /// reading the profiles and the rate-limit settings again only when the version differs from the cached one.
    /// </summary>
    public async ValueTask<Snapshot> GetSnapshotAsync(long? knownVersion, CancellationToken cancellationToken)
    {
        var version = knownVersion ?? await store.GetConfigurationVersionAsync(cancellationToken).ConfigureAwait(false);
        var current = snapshot;
        if (current is null || current.Version != version)
        {
            // Read after the version: a change committed in between moves the version on, so the next read reloads.
            var profiles = await store.GetProfilesAsync(cancellationToken).ConfigureAwait(false);
            var settings = await store.GetRateLimitSettingsAsync(cancellationToken).ConfigureAwait(false);
            var prices = await store.GetModelPricesAsync(cancellationToken).ConfigureAwait(false);
            var teams = await store.GetTeamsAsync(cancellationToken).ConfigureAwait(false);
            var organisations = teams.Count == 0 ? [] : await store.GetOrganisationsAsync(cancellationToken).ConfigureAwait(false);
            current = new Snapshot(version, profiles, RateLimitSettings.From(settings, defaultSettings), prices.Count == 0 ? noPrices : Catalogue(prices, options.Value), teams, organisations);
            snapshot = current;
        }

        return current;
    }

    /// <summary>Resolves a user's profile in <paramref name="current"/>, reading the assignment once and caching it there.</summary>
    public async ValueTask<ConsumptionProfile?> ResolveAsync(Snapshot current, string userId, CancellationToken cancellationToken) =>
        (await ResolveSubjectsAsync(current, userId, cancellationToken).ConfigureAwait(false)).Profile;

    /// <summary>
    /// Resolves a user's profile and the shared levels (team, organisation) a request by the user meets in
    /// <paramref name="current"/>, reading the assignment and the membership once and caching them there.
    /// </summary>
    public async ValueTask<ResolvedSubjects> ResolveSubjectsAsync(Snapshot current, string userId, CancellationToken cancellationToken)
    {
        if (!current.Assignments.TryGetValue(userId, out var assigned))
        {
            var profileId = await store.GetAssignedProfileIdAsync(userId, cancellationToken).ConfigureAwait(false);
            var teamId = current.HasTeams ? await store.GetTeamIdAsync(userId, cancellationToken).ConfigureAwait(false) : null;
            assigned = (profileId, teamId);
            if (current.Assignments.Count < maxCachedAssignments)
            {
                current.Assignments.TryAdd(userId, assigned);
            }
        }

        return new ResolvedSubjects(current.Resolve(assigned.Profile), current.LevelsOf(assigned.Team));
    }

    /// <summary>
    /// Resolves the profile whose extra limits a recorded usage is charged to: <see langword="null"/> while no profile of
    /// the cached configuration has extra limits (nothing to charge), else against the cached configuration without a
    /// version read (the check or reservation before the usage read the current version; usage is charged, never
    /// refused, so a limit added a moment ago starts counting at the next call), reading it only when nothing is cached.
    /// </summary>
    public async ValueTask<ResolvedSubjects> ResolveForUsageAsync(string userId, CancellationToken cancellationToken) => snapshot switch
    {
        { HasExtraLimits: false, HasTeams: false } => ResolvedSubjects.None,
        { } cached => await ResolveSubjectsAsync(cached, userId, cancellationToken).ConfigureAwait(false),
        null => await ResolveSubjectsAsync(await GetSnapshotAsync(null, cancellationToken).ConfigureAwait(false), userId, cancellationToken).ConfigureAwait(false),
    };

    /// <summary>Gets the price catalogue of the cached configuration (none before the first read).</summary>
    public PriceCatalogue Prices => snapshot?.Prices ?? noPrices;

    /// <summary>Gets the cached configuration, or <see langword="null"/> when nothing is cached.</summary>
    public Snapshot? Cached => snapshot;

    /// <summary>Gets the configuration version of the cached profiles, or 0 when nothing is cached.</summary>
    public long CachedVersion => snapshot?.Version ?? 0;

    /// <summary>Drops the cache; the next resolution reads the store again.</summary>
    public void Invalidate() => snapshot = null;

    private static PriceCatalogue Catalogue(IReadOnlyList<ModelPrice> prices, TokenQuotaOptions options) => new(
        prices,
        options.Currency.ToUpperInvariant(),
        options.UnpricedModels,
        options.UnpricedModels == UnpricedModelPolicy.FallbackPrice
            ? new ModelPrice(new ModelFilter("fallback"), DateTimeOffset.MinValue, options.FallbackInputPricePerMillion, options.FallbackOutputPricePerMillion)
            : null);

    /// <summary>The profiles and rate-limit settings of one configuration version, and the assignments read since.</summary>
    internal sealed class Snapshot
    {
        private readonly Dictionary<long, ConsumptionProfile> byId;
        private readonly ConsumptionProfile? defaultProfile;

        private readonly Dictionary<long, SharedLevel[]> levelsByTeam = [];

        public Snapshot(long version, IReadOnlyList<ConsumptionProfile> profiles, RateLimitSettings settings, PriceCatalogue prices, IReadOnlyList<QuotaTeam>? teams = null, IReadOnlyList<QuotaOrganisation>? organisations = null)
        {
            Version = version;
            Settings = settings;
            Prices = prices;
            byId = profiles.ToDictionary(p => p.Id);
            defaultProfile = ProfileResolver.Resolve(profiles, assignedProfileId: null);
            HasExtraLimits = profiles.Any(p => p.Limits.Count > 0);
            var organisationLevels = (organisations ?? []).ToDictionary(o => o.Id, o => new SharedLevel(QuotaSubjectLevel.Organisation, o.Id, o.Name, ActiveProfile(o.ProfileId)));
            foreach (var team in teams ?? [])
            {
                var level = new SharedLevel(QuotaSubjectLevel.Team, team.Id, team.Name, ActiveProfile(team.ProfileId));
                levelsByTeam[team.Id] = team.OrganisationId is { } org && organisationLevels.TryGetValue(org, out var above) ? [level, above] : [level];
            }

            HasTeams = levelsByTeam.Count > 0;
        }

        /// <summary>Gets whether any team exists: only then is a user's membership read.</summary>
        public bool HasTeams { get; }

        /// <summary>The shared levels a member of <paramref name="teamId"/> meets: the team's, then its organisation's.</summary>
        public IReadOnlyList<SharedLevel> LevelsOf(long? teamId) =>
            teamId is { } id && levelsByTeam.TryGetValue(id, out var levels) ? levels : [];

        /// <summary>The active profile of <paramref name="profileId"/>, or <see langword="null"/>.</summary>
        public ConsumptionProfile? ProfileOf(long? profileId) => ActiveProfile(profileId);

        private ConsumptionProfile? ActiveProfile(long? profileId) =>
            profileId is { } id && byId.TryGetValue(id, out var profile) && profile.IsActive ? profile : null;

        /// <summary>Gets whether any profile has extra limits: when none has, a record needs no profile at all.</summary>
        public bool HasExtraLimits { get; }

        public long Version { get; }

        /// <summary>Gets the model prices in force at <see cref="Version"/>.</summary>
        public PriceCatalogue Prices { get; }

        /// <summary>Gets the rate-limit settings in force at <see cref="Version"/>: the stored values, else the start-up options.</summary>
        public RateLimitSettings Settings { get; }

        public ConcurrentDictionary<string, (long? Profile, long? Team)> Assignments { get; } = new(StringComparer.Ordinal);

        public ConsumptionProfile? Resolve(long? assigned) =>
            assigned is { } id && byId.TryGetValue(id, out var profile) && profile.IsActive ? profile : defaultProfile;
    }
}
