using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Tests;

public class UserDirectoryRegistrationTests
{
    [Test]
    public void UseUserDirectoryByTypeRegistersOneSingleton()
    {
        var services = new ServiceCollection();
        services.AddTokenQuotas().UseUserDirectory<SetDirectory>();
        using var provider = services.BuildServiceProvider();

        var first = provider.GetRequiredService<IUserDirectory>();

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.InstanceOf<SetDirectory>());
            Assert.That(provider.GetRequiredService<IUserDirectory>(), Is.SameAs(first));
        });
    }

    [Test]
    public void UseUserDirectoryTwiceTheLastWins()
    {
        var chosen = new SetDirectory("b");
        var services = new ServiceCollection();
        services.AddTokenQuotas().UseUserDirectory(new SetDirectory("a")).UseUserDirectory(_ => chosen);
        using var provider = services.BuildServiceProvider();

        Assert.Multiple(() =>
        {
            Assert.That(provider.GetRequiredService<IUserDirectory>(), Is.SameAs(chosen));
            Assert.That(services.Count(d => d.ServiceType == typeof(IUserDirectory)), Is.EqualTo(1));
        });
    }

    [Test]
    public void WithoutUseUserDirectoryNoDirectoryIsRegistered()
    {
        var services = new ServiceCollection();
        services.AddTokenQuotas();
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetService<IUserDirectory>(), Is.Null);
    }

    [Test]
    public void UseUserDirectoryNullArgumentsThrow()
    {
        var builder = new ServiceCollection().AddTokenQuotas();

        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentNullException>(() => builder.UseUserDirectory((IUserDirectory)null!));
            Assert.Throws<ArgumentNullException>(() => builder.UseUserDirectory((Func<IServiceProvider, IUserDirectory>)null!));
            Assert.Throws<ArgumentNullException>(() => UserDirectoryTokenQuotaBuilderExtensions.UseUserDirectory<SetDirectory>(null!));
        });
    }

    [Test]
    public async Task FindUnknownAsyncByDefaultAsksExistsForEachIdAndKeepsTheOrder()
    {
        IUserDirectory directory = new SetDirectory("a", "c");

        var unknown = await directory.FindUnknownAsync(["z", "a", "b", "c"]);

        Assert.That(unknown, Is.EqualTo(new[] { "z", "b" }));
    }

    [Test]
    public void UnknownUserExceptionNamesOneOrManyIdsAndLimitsTheMessage()
    {
        var one = new UnknownUserException("mallory");
        var many = new UnknownUserException([.. Enumerable.Range(1, 12).Select(i => $"u{i}")]);

        Assert.Multiple(() =>
        {
            Assert.That(one.Message, Is.EqualTo("User not found: no user has the id 'mallory'."));
            Assert.That(many.UserId, Is.EqualTo("u1"));
            Assert.That(many.UserIds, Has.Count.EqualTo(12));
            Assert.That(many.Message, Does.Contain("12 ids").And.Contain("'u10'").And.Contain("and 2 more").And.Not.Contain("'u11'"));
            Assert.Throws<ArgumentException>(() => _ = new UnknownUserException(Array.Empty<string>()));
        });
    }

    private sealed class SetDirectory(params string[] ids) : IUserDirectory
    {
        public SetDirectory()
            : this("default")
        {
        }

        public async IAsyncEnumerable<string> ListUserIdsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            foreach (var id in ids)
            {
                yield return id;
            }
        }

        public ValueTask<bool> ExistsAsync(string userId, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(ids.Contains(userId));
    }
}
