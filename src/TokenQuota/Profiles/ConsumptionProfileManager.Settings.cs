using System.Text.Json;
using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>The audit log, the effective profile of a user, and the run-time rate-limit settings.</summary>
internal sealed partial class ConsumptionProfileManager
{
    public Task<PagedResult<QuotaAuditEntry>> QueryAuditLogAsync(QuotaAuditQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new QuotaAuditQuery();
        Paging.Validate(query.Offset, query.Limit);
        if (query.From is { } from && query.To is { } to && to < from)
        {
            throw new ArgumentException($"The audit query's To ({to:O}) is before its From ({from:O}).", nameof(query));
        }

        return Guard("query audit log", () => store.QueryAuditLogAsync(query, cancellationToken));
    }

    public async Task<ConsumptionProfile?> GetEffectiveProfileAsync(string userId, CancellationToken cancellationToken = default)
    {
        UserIds.Validate(userId);
        return await Guard("resolve profile", () => resolver.ResolveAsync(userId, cancellationToken).AsTask()).ConfigureAwait(false);
    }

    public async Task<RateLimitSettings> GetRateLimitSettingsAsync(CancellationToken cancellationToken = default)
    {
        var stored = await Guard("read rate-limit settings", () => store.GetRateLimitSettingsAsync(cancellationToken)).ConfigureAwait(false);
        return RateLimitSettings.From(stored, resolver.DefaultSettings);
    }

    public Task<RateLimitSettings> UpdateRateLimitSettingsAsync(RateLimitSettingsUpdate update, string? actor = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Change("update rate-limit settings", async (session, ct) =>
        {
            var stored = await session.GetRateLimitSettingsAsync(ct).ConfigureAwait(false);
            var current = RateLimitSettings.From(stored, resolver.DefaultSettings);
            var next = new RateLimitSettings
            {
                Enabled = update.Enabled ?? current.Enabled,
                GlobalOverride = update.GlobalOverride ?? current.GlobalOverride,
            };

            // Values that are only start-up defaults are stored even when unchanged: from the first change on, the
            // database decides for every process, whatever each one's options say.
            var fullyStored = stored.Enabled is not null && stored.GlobalOverride is not null;
            if (next == current && fullyStored)
            {
                return current;
            }

            await session.SetRateLimitSettingsAsync(next, ct).ConfigureAwait(false);
            await Audit(session, actor, QuotaAuditActions.RateLimitSettingsUpdated, RateLimitSettingsTarget, JsonSerializer.Serialize(current), JsonSerializer.Serialize(next), ct).ConfigureAwait(false);
            return next;
        }, cancellationToken);
    }

    private const string RateLimitSettingsTarget = "rate_limit_settings";
}
