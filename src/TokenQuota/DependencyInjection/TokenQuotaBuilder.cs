using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota;

internal sealed class TokenQuotaBuilder(IServiceCollection services) : ITokenQuotaBuilder
{
    public IServiceCollection Services { get; } = services;
}
