using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TokenQuota.AspNetCore;

/// <summary>
/// The query of <c>/admin/usage/models</c> and <c>/admin/usage/models.csv</c>: <c>period</c> (default the current
/// month), <c>user_id</c> (one user) and <c>group</c> (<c>user</c>, the default: a row per user and model; <c>model</c>:
/// the totals per model). Both routes read it here so the JSON and the CSV always answer the same rows.
/// </summary>
internal sealed record ModelUsageQuery(QuotaPeriod Period, string? UserId, bool PerModel)
{
    /// <summary>Reads the query, or answers the 400 naming the bad field.</summary>
    public static bool TryRead(HttpContext http, out ModelUsageQuery query, out ValidationProblem? invalid)
    {
        query = null!;
        invalid = null;
        var period = QuotaPeriod.Current(EndpointServices.Time(http));
        if (QueryParameters.Get(http, "period") is { } rawPeriod && !QuotaPeriod.TryParse(rawPeriod, out period))
        {
            invalid = ApiResults.Validation("period", "Invalid period format. Use YYYY-MM");
            return false;
        }

        var userId = QueryParameters.Get(http, "user_id");
        if (userId is not null)
        {
            try
            {
                // No parameter name: the 400 names the field, so the message needs no " (Parameter '…')" suffix.
                UserIds.Validate(userId, paramName: null);
            }
            catch (ArgumentException ex)
            {
                invalid = ApiResults.Validation("user_id", ex.Message);
                return false;
            }
        }

        var perModel = false;
        switch (QueryParameters.Get(http, "group"))
        {
            case null or "user": break;
            case "model": perModel = true; break;
            default:
                invalid = ApiResults.Validation("group", "group must be user or model.");
                return false;
        }

        // Totals per model add up every user; one user's rows are already one per model, so the pair is a mistake.
        if (perModel && userId is not null)
        {
            invalid = ApiResults.Validation("group", "group=model adds up every user; leave out user_id, or group, to read one user's rows.");
            return false;
        }

        query = new ModelUsageQuery(period, userId, perModel);
        return true;
    }

    /// <summary>Reads the rows the query asks for, the costliest first.</summary>
    public Task<IReadOnlyList<ModelUsage>> LoadAsync(IUsageReports reports, CancellationToken cancellationToken) =>
        PerModel ? reports.GetModelTotalsAsync(Period, cancellationToken) : reports.GetModelUsageAsync(Period, UserId, cancellationToken);
}
