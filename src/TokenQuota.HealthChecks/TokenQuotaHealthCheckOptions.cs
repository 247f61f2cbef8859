namespace TokenQuota.HealthChecks;

/// <summary>Options of the TokenQuota health check, set through <c>AddTokenQuotaHealthChecks(o =&gt; …)</c>.</summary>
public sealed class TokenQuotaHealthCheckOptions
{
    /// <summary>The tag every TokenQuota check carries.</summary>
    public const string Tag = "tokenquota";

    /// <summary>The tag of readiness checks: the host is ready only when its quota store answers.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Gets or sets the registration name. Defaults to <c>tokenquota</c>.</summary>
    public string Name { get; set; } = "tokenquota";

    /// <summary>
    /// Gets or sets how long the store may take to answer before the check reports <see cref="Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy"/>.
    /// Defaults to 5 seconds; must be more than zero.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets the tags of the check: <see cref="Tag"/> and <see cref="ReadyTag"/> by default, so a host maps it on its
    /// readiness endpoint (<c>Predicate = r =&gt; r.Tags.Contains("ready")</c>) and leaves it off its liveness endpoint:
    /// a store outage should take the instance out of rotation, not restart it.
    /// </summary>
    public ISet<string> Tags { get; } = new HashSet<string>(StringComparer.Ordinal) { Tag, ReadyTag };
}
