using Microsoft.Extensions.DependencyInjection.Extensions;
using TokenQuota;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the host's <see cref="IUserDirectory"/> with TokenQuota.</summary>
public static class UserDirectoryTokenQuotaBuilderExtensions
{
    /// <summary>
    /// Uses <typeparamref name="TDirectory"/>, created by the container as a singleton, as the host's user directory:
    /// assignments to unknown users are refused and the maintenance step that assigns a profile to unassigned users covers every listed user.
    /// </summary>
    /// <typeparam name="TDirectory">The directory type.</typeparam>
    /// <param name="builder">The builder returned by <c>AddTokenQuotas()</c>.</param>
    /// <returns>The same builder.</returns>
    public static ITokenQuotaBuilder UseUserDirectory<TDirectory>(this ITokenQuotaBuilder builder)
        where TDirectory : class, IUserDirectory
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IUserDirectory, TDirectory>());
        return builder;
    }

    /// <summary>Uses <paramref name="directory"/> as the host's user directory.</summary>
    /// <param name="builder">The builder returned by <c>AddTokenQuotas()</c>.</param>
    /// <param name="directory">The directory.</param>
    /// <returns>The same builder.</returns>
    public static ITokenQuotaBuilder UseUserDirectory(this ITokenQuotaBuilder builder, IUserDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(directory);
        builder.Services.Replace(ServiceDescriptor.Singleton(directory));
        return builder;
    }

    /// <summary>Uses the directory <paramref name="factory"/> creates (once, as a singleton) as the host's user directory.</summary>
    /// <param name="builder">The builder returned by <c>AddTokenQuotas()</c>.</param>
    /// <param name="factory">Creates the directory from the container.</param>
    /// <returns>The same builder.</returns>
    public static ITokenQuotaBuilder UseUserDirectory(this ITokenQuotaBuilder builder, Func<IServiceProvider, IUserDirectory> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.Replace(ServiceDescriptor.Singleton(factory));
        return builder;
    }
}
