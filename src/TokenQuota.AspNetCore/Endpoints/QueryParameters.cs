using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TokenQuota.AspNetCore;

/// <summary>
/// Query-string values read by hand: an empty value counts as absent and a bad one answers the seed-style 400 naming
/// the parameter, where minimal-API binding would answer an empty 400.
/// </summary>
internal static class QueryParameters
{
    /// <summary>Reads <c>offset</c> (default 0) and <c>limit</c> (default 100, at most <see cref="Paging.MaxLimit"/>).</summary>
    public static bool TryPaging(HttpContext http, out int offset, out int limit, out ValidationProblem? invalid)
    {
        offset = 0;
        limit = 100;
        invalid = null;
        var query = http.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (query.TryGetValue("offset", out var rawOffset) && !string.IsNullOrEmpty(rawOffset)
            && (!int.TryParse(rawOffset, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            errors["offset"] = ["offset must be an integer of 0 or more."];
        }

        if (query.TryGetValue("limit", out var rawLimit) && !string.IsNullOrEmpty(rawLimit)
            && (!int.TryParse(rawLimit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > Paging.MaxLimit))
        {
            errors["limit"] = [$"limit must be an integer from 1 to {Paging.MaxLimit}."];
        }

        if (errors.Count > 0)
        {
            invalid = ApiResults.Validation(errors);
            return false;
        }

        return true;
    }

    /// <summary>The value of <paramref name="name"/>, or <see langword="null"/> when it is absent or empty.</summary>
    public static string? Get(HttpContext http, string name)
    {
        var value = http.Request.Query[name].ToString();
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
