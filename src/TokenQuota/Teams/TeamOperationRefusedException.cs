namespace TokenQuota;

/// <summary>A team or organisation operation was refused by a rule, and nothing was changed (HTTP hosts map it to 409).</summary>
public sealed class TeamOperationRefusedException : TokenQuotaException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Which rule refused.</param>
    /// <param name="message">What was refused and what to do instead.</param>
    public TeamOperationRefusedException(TeamRefusalReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Gets which rule refused the operation.</summary>
    public TeamRefusalReason Reason { get; }
}
