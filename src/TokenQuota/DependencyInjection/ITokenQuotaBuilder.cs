using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota;

/// <summary>Returned by <c>AddTokenQuotas()</c>; store packages add their <c>Use…()</c> extensions to it.</summary>
public interface ITokenQuotaBuilder
{
    /// <summary>Gets the service collection TokenQuota is registered in.</summary>
    IServiceCollection Services { get; }
}
