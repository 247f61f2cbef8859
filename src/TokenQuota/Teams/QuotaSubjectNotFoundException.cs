using System.Globalization;

namespace TokenQuota;

/// <summary>No team or organisation has the given id (HTTP hosts map it to 404).</summary>
public sealed class QuotaSubjectNotFoundException : TokenQuotaException
{
    /// <summary>Creates the exception for an unknown team or organisation.</summary>
    /// <param name="level">Whether a team or an organisation was looked for.</param>
    /// <param name="id">The id that was not found.</param>
    public QuotaSubjectNotFoundException(QuotaSubjectLevel level, long id)
        : base(string.Create(CultureInfo.InvariantCulture, $"{SubjectNames.Label(level)} {id} not found."))
    {
        Level = level;
        Id = id;
    }

    /// <summary>Gets whether a team or an organisation was looked for.</summary>
    public QuotaSubjectLevel Level { get; }

    /// <summary>Gets the id that was not found.</summary>
    public long Id { get; }
}
