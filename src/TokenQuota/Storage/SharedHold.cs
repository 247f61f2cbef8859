namespace TokenQuota.Storage;

/// <summary>
/// What a reservation holds against the limits of a team or an organisation: kept under that subject beside the
/// reservation's own holds, so that every member's reservation reads the holds of the others, and counting only
/// while the reservation lives.
/// </summary>
/// <param name="Subject">The subject's counter id (<see cref="SharedCounterKey.Subject"/>).</param>
/// <param name="Holds">The hold text (opaque to the store).</param>
public sealed record SharedHold(string Subject, string Holds);
