using System.Text.Json;
using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>The price catalogue: model prices set, imported and removed, each audited.</summary>
internal sealed partial class ConsumptionProfileManager
{
    public Task<IReadOnlyList<ModelPrice>> ListModelPricesAsync(CancellationToken cancellationToken = default) =>
        Guard("list model prices", () => store.GetModelPricesAsync(cancellationToken));

    public Task<ModelPrice> SetModelPriceAsync(ModelPrice price, string? actor = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(price);
        return Change("set model price", async (session, ct) =>
        {
            var existing = await session.GetModelPricesAsync(ct).ConfigureAwait(false);
            var before = await ReplaceAsync(session, existing, price, ct).ConfigureAwait(false);
            if (before != price)
            {
                await Audit(session, actor, QuotaAuditActions.ModelPriceSet, PriceTarget(price.Model), before is null ? null : JsonSerializer.Serialize(before), JsonSerializer.Serialize(price), ct).ConfigureAwait(false);
            }

            return price;
        }, cancellationToken);
    }

    public Task<int> ImportModelPricesAsync(IReadOnlyCollection<ModelPrice> prices, string? actor = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prices);
        var given = prices.ToArray();
        for (var i = 0; i < given.Length; i++)
        {
            if (given[i] is null)
            {
                throw new ArgumentException($"prices[{i}] is null.", nameof(prices));
            }

            for (var j = 0; j < i; j++)
            {
                if (SameSlot(given[j], given[i]))
                {
                    throw new ArgumentException($"prices[{i}] and prices[{j}] both price '{given[i].Model}' from {given[i].EffectiveFrom:O}; keep one. Nothing was written.", nameof(prices));
                }
            }
        }

        return Change("import model prices", async (session, ct) =>
        {
            var existing = await session.GetModelPricesAsync(ct).ConfigureAwait(false);
            var changed = new List<ModelPrice>();
            foreach (var price in given)
            {
                if (await ReplaceAsync(session, existing, price, ct).ConfigureAwait(false) != price)
                {
                    changed.Add(price);
                }
            }

            if (changed.Count > 0)
            {
                await Audit(session, actor, QuotaAuditActions.ModelPricesImported, "model_prices", null, JsonSerializer.Serialize(changed), ct).ConfigureAwait(false);
            }

            return changed.Count;
        }, cancellationToken);
    }

    public Task<bool> RemoveModelPriceAsync(string model, DateTimeOffset effectiveFrom, string? actor = null, CancellationToken cancellationToken = default)
    {
        var filter = new ModelFilter(model);
        return Change("remove model price", async (session, ct) =>
        {
            var existing = (await session.GetModelPricesAsync(ct).ConfigureAwait(false))
                .FirstOrDefault(p => p.Model.Equals(filter) && p.EffectiveFrom == effectiveFrom);
            if (existing is null)
            {
                return false;
            }

            await session.RemoveModelPriceAsync(existing.Model.Pattern, existing.EffectiveFrom, ct).ConfigureAwait(false);
            await Audit(session, actor, QuotaAuditActions.ModelPriceRemoved, PriceTarget(existing.Model), JsonSerializer.Serialize(existing), null, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> GetCostLimitWarningsAsync(long profileId, CancellationToken cancellationToken = default)
    {
        var profile = await GetAsync(profileId, cancellationToken).ConfigureAwait(false);
        var prices = await ListModelPricesAsync(cancellationToken).ConfigureAwait(false);
        return CostLimitWarnings(profile, prices);
    }

    /// <summary>Logs the cost limits of <paramref name="profile"/> that meet no priced model (never refuses: the price may come next).</summary>
    private async Task WarnOfUnpricedCostLimitsAsync(ConsumptionProfile profile, CancellationToken cancellationToken)
    {
        if (!profile.Limits.Any(l => l.Meter == QuotaMeter.Cost))
        {
            return;
        }

        foreach (var warning in CostLimitWarnings(profile, await ListModelPricesAsync(cancellationToken).ConfigureAwait(false)))
        {
            TokenQuotaLog.CostLimitUnpriced(logger, profile.Name, warning);
        }
    }

    private IReadOnlyList<string> CostLimitWarnings(ConsumptionProfile profile, IReadOnlyList<ModelPrice> prices)
    {
        var catalogue = new PriceCatalogue(prices, resolver.Prices.Currency, resolver.Prices.Unpriced, null);
        var outcome = catalogue.Unpriced switch
        {
            UnpricedModelPolicy.Refuse => "every call it applies to is refused",
            UnpricedModelPolicy.FallbackPrice => "every call it applies to is charged the fallback price",
            _ => "every call it applies to is charged nothing",
        };
        return [.. profile.Limits
            .Where(l => l.Meter == QuotaMeter.Cost && !catalogue.Covers(l.Model))
            .Select(l => $"The cost limit {l.Name} matches no model of the price catalogue, so {outcome} (TokenQuotaOptions.UnpricedModels = {catalogue.Unpriced}); set its price with tokenquota prices set.")];
    }

    /// <summary>Writes <paramref name="price"/> in the place of the price of its model and instant, returning the one it replaced.</summary>
    private static async Task<ModelPrice?> ReplaceAsync(IQuotaAdminSession session, IReadOnlyList<ModelPrice> existing, ModelPrice price, CancellationToken ct)
    {
        var before = existing.FirstOrDefault(p => SameSlot(p, price));
        if (before == price)
        {
            return before;
        }

        if (before is not null && before.Model.Pattern != price.Model.Pattern)
        {
            await session.RemoveModelPriceAsync(before.Model.Pattern, before.EffectiveFrom, ct).ConfigureAwait(false);
        }

        await session.SetModelPriceAsync(price, ct).ConfigureAwait(false);
        return before;
    }

    private static bool SameSlot(ModelPrice a, ModelPrice b) => a.Model.Equals(b.Model) && a.EffectiveFrom == b.EffectiveFrom;

    private static string PriceTarget(ModelFilter model) => "model_price:" + model.Pattern;
}
