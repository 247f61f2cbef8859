using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.AspNetCore.Tests;

/// <summary>The assign routes with a host <see cref="IUserDirectory"/> registered, on a real SQLite file.</summary>
public sealed class UserDirectoryEndpointTests
{
    private const string AssignAlice = "/api/v1/auth/admin/users/alice/consumption-profile";
    private const string AssignMallory = "/api/v1/auth/admin/users/mallory/consumption-profile";
    private const string Bulk = "/api/v1/auth/admin/users/consumption-profile";
    private ApiTestHost host = null!;
    private long pro;

    [SetUp]
    public async Task Start()
    {
        host = await ApiTestHost.StartAsync(quotas: q => q.UseUserDirectory(new Users("alice", "bob")));
        pro = (await host.Profiles.ListAsync()).Single(p => p.Name == "Pro").Id;
    }

    [TearDown]
    public async Task Stop() => await host.DisposeAsync();

    [Test]
    public async Task AssigningAnUnknownUserAnswers404UserNotFoundAndWritesNothing()
    {
        using var response = await host.AsAdmin(HttpMethod.Put, AssignMallory, new { profile_id = pro });
        var json = await ApiTestHost.Json(response);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(json.GetProperty("title").GetString(), Is.EqualTo("User not found"));
            Assert.That(json.GetProperty("detail").GetString(), Is.EqualTo("User not found"));
            Assert.That(json.GetProperty("message").GetString(), Is.EqualTo("User not found"), "the seed's message");
            Assert.That(json.GetProperty("status").GetInt32(), Is.EqualTo(404));
            Assert.That(json.GetProperty("user_id").GetString(), Is.EqualTo("mallory"));
            Assert.That((await host.Profiles.GetEffectiveProfileAsync("mallory"))!.Name, Is.EqualTo("Free"));
            Assert.That((await host.Profiles.ListAssignmentsAsync(pro)).TotalCount, Is.Zero);
        });
    }

    [Test]
    public async Task AnUnknownUserIsReportedBeforeAnUnknownProfileAsTheSeedDid()
    {
        using var response = await host.AsAdmin(HttpMethod.Put, AssignMallory, new { profile_id = 4242 });

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That((await ApiTestHost.Json(response)).GetProperty("message").GetString(), Is.EqualTo("User not found"));
        });
    }

    [Test]
    public async Task AKnownUserIsAssignedAndUnassigningAnUnknownUserSucceeds()
    {
        using var assign = await host.AsAdmin(HttpMethod.Put, AssignAlice, new { profile_id = pro });
        using var unassign = await host.AsAdmin(HttpMethod.Put, AssignMallory, raw: "{\"profile_id\":null}");

        Assert.Multiple(async () =>
        {
            Assert.That(assign.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await host.Profiles.GetEffectiveProfileAsync("alice"))!.Name, Is.EqualTo("Pro"));
            Assert.That(unassign.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await ApiTestHost.Json(unassign)).GetProperty("message").GetString(), Is.EqualTo("Consumption profile unassigned successfully"));
        });
    }

    [Test]
    public async Task ABulkAssignmentNamingUnknownUsersAnswers404WithEveryUnknownIdAndWritesNothing()
    {
        using var response = await host.AsAdmin(HttpMethod.Put, Bulk, new { user_ids = new[] { "alice", "x", "bob", "y" }, profile_id = pro });
        var json = await ApiTestHost.Json(response);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(json.GetProperty("title").GetString(), Is.EqualTo("User not found"));
            Assert.That(json.GetProperty("user_ids").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "x", "y" }));
            Assert.That(json.GetProperty("message").GetString(), Does.Contain("'x'").And.Contain("'y'"));
            Assert.That((await host.Profiles.ListAssignmentsAsync(pro)).TotalCount, Is.Zero, "alice and bob are not assigned either");
        });
    }

    [Test]
    public async Task WithoutADirectoryAnyUserIdIsAssignedAsBefore()
    {
        await using var plain = await ApiTestHost.StartAsync();
        using var response = await plain.AsAdmin(HttpMethod.Put, AssignMallory, new { profile_id = pro });

        Assert.Multiple(async () =>
        {
            Assert.That(plain.Services.GetService<IUserDirectory>(), Is.Null);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await plain.Profiles.GetEffectiveProfileAsync("mallory"))!.Name, Is.EqualTo("Pro"));
        });
    }

    private sealed class Users(params string[] ids) : IUserDirectory
    {
        public async IAsyncEnumerable<string> ListUserIdsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            foreach (var id in ids)
            {
                yield return id;
            }
        }

        public ValueTask<bool> ExistsAsync(string userId, CancellationToken cancellationToken = default) => ValueTask.FromResult(ids.Contains(userId));
    }
}
