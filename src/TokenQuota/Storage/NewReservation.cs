namespace TokenQuota.Storage;

/// <summary>The reservation a store holds if the core's admission rule accepts it (see <see cref="IQuotaStore.TryReserveAsync"/>).</summary>
/// <param name="RequestId">The unique request id.</param>
/// <param name="UserId">The user id.</param>
/// <param name="Period">The period the usage will be charged to.</param>
/// <param name="InputTokens">The estimated input tokens to hold.</param>
/// <param name="OutputTokens">The estimated output tokens to hold.</param>
/// <param name="CreatedAt">When the reservation is made.</param>
/// <param name="ExpiresAt">When the store stops counting it unless committed or released.</param>
public sealed record NewReservation(string RequestId, string UserId, QuotaPeriod Period, long InputTokens, long OutputTokens, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt)
{
    /// <summary>Gets the model the request is for, or <see langword="null"/> when the host did not say.</summary>
    public string? ModelId { get; init; }
}
