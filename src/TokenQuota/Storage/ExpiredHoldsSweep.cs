namespace TokenQuota.Storage;

/// <summary>What one batch of the expired-holds sweep did (see <see cref="ReservationRetention"/>).</summary>
/// <param name="Users">The users whose expired holds it forgot; fewer than asked means none are left.</param>
/// <param name="Holds">The expired holds it forgot.</param>
internal readonly record struct ExpiredHoldsSweep(int Users, int Holds);
