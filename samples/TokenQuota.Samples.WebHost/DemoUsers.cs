using System.Security.Cryptography;
using System.Text;

namespace TokenQuota.Samples.WebHost;

/// <summary>A demo account: the user id quotas are kept under, a display name and whether it is an admin.</summary>
public sealed record DemoUser(string Id, string Name, bool IsAdmin);

/// <summary>The sample's fixed accounts: two users and one admin, all with the password <c>demo</c>. Not for production.</summary>
public static class DemoUsers
{
    public const string Password = "demo";

    public static IReadOnlyList<DemoUser> All { get; } =
    [
        new("alice", "Alice", false),
        new("bob", "Bob", false),
        new("admin", "Admin", true),
    ];

    public static DemoUser? SignIn(string? userName, string? password)
    {
        var user = All.FirstOrDefault(u => string.Equals(u.Id, userName?.Trim(), StringComparison.OrdinalIgnoreCase));
        var ok = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password ?? string.Empty), Encoding.UTF8.GetBytes(Password));
        return user is not null && ok ? user : null;
    }
}
