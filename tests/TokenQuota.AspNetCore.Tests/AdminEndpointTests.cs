using System.Net;
using System.Text;
using System.Text.Json;

namespace TokenQuota.AspNetCore.Tests;

/// <summary>Every admin route and its status codes, on a real SQLite file.</summary>
public sealed class AdminEndpointTests
{
    private const string Profiles = "/api/v1/auth/admin/consumption-profiles";
    private ApiTestHost host = null!;

    [SetUp]
    public async Task Start() => host = await ApiTestHost.StartAsync();

    [TearDown]
    public async Task Stop() => await host.DisposeAsync();

    private static object Starter(string name = "Starter") => new
    {
        name,
        description = "Starter tier",
        prompts_per_hour = 30,
        prompts_per_day = 300,
        config_changes_per_hour = 3,
        input_tokens_per_month = 50000,
        output_tokens_per_month = 25000,
        is_default = false,
    };

    private async Task<long> CreateAsync(string name = "Starter")
    {
        using var response = await host.AsAdmin(HttpMethod.Post, Profiles, Starter(name));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return (await ApiTestHost.Json(response)).GetProperty("profile").GetProperty("id").GetInt64();
    }

    [Test]
    public async Task ListReturnsTheSeedProfilesDefaultFirst()
    {
        using var response = await host.AsAdmin(HttpMethod.Get, Profiles);
        var json = await ApiTestHost.Json(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("success"));
        var profiles = json.GetProperty("profiles").EnumerateArray().ToList();
        Assert.That(profiles.Select(p => p.GetProperty("name").GetString()), Is.EqualTo(new[] { "Free", "Enterprise", "Pro", "Unlimited" }));
        Assert.That(profiles[0].GetProperty("is_default").GetBoolean(), Is.True);
        Assert.That(profiles[0].TryGetProperty("user_count", out _), Is.True);
    }

    [Test]
    public async Task CreateAnswers201WithTheSeedMessageAndALocation()
    {
        using var response = await host.AsAdmin(HttpMethod.Post, Profiles, Starter());
        var json = await ApiTestHost.Json(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(json.GetProperty("message").GetString(), Is.EqualTo("Consumption profile created successfully"));
        var profile = json.GetProperty("profile");
        Assert.That(profile.GetProperty("prompts_per_hour").GetInt32(), Is.EqualTo(30));
        Assert.That(profile.GetProperty("input_tokens_per_month").GetInt64(), Is.EqualTo(50000));
        Assert.That(response.Headers.Location!.ToString(), Is.EqualTo($"{Profiles}/{profile.GetProperty("id").GetInt64()}"));

        using var get = await host.AsAdmin(HttpMethod.Get, $"{Profiles}/{profile.GetProperty("id").GetInt64()}");
        Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ApiTestHost.Json(get)).GetProperty("profile").GetProperty("name").GetString(), Is.EqualTo("Starter"));
    }

    [Test]
    public async Task CreateAppliesTheSeedDefaultsToOmittedFields()
    {
        using var response = await host.AsAdmin(HttpMethod.Post, Profiles, new { name = "Bare" });
        var profile = (await ApiTestHost.Json(response)).GetProperty("profile");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(profile.GetProperty("prompts_per_hour").GetInt32(), Is.EqualTo(100));
        Assert.That(profile.GetProperty("prompts_per_day").GetInt32(), Is.EqualTo(1000));
        Assert.That(profile.GetProperty("config_changes_per_hour").GetInt32(), Is.EqualTo(10));
        Assert.That(profile.GetProperty("input_tokens_per_month").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(profile.GetProperty("is_active").GetBoolean(), Is.True);
    }

    [TestCase("Starter")]
    [TestCase("STARTER")]
    public async Task ATakenNameAnswers409WithTheSeedMessage(string name)
    {
        await CreateAsync();
        using var response = await host.AsAdmin(HttpMethod.Post, Profiles, Starter(name));
        var json = await ApiTestHost.Json(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("error"));
        Assert.That(json.GetProperty("message").GetString(), Is.EqualTo($"Profile with name \"{name}\" already exists"));
    }

    [TestCase("")]
    [TestCase("{}")]
    [TestCase("null")]
    [TestCase("   ")]
    public async Task AnEmptyBodyAnswers400NoDataProvided(string body)
    {
        using var response = await host.AsAdmin(HttpMethod.Post, Profiles, raw: body);
        var json = await ApiTestHost.Json(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(json.GetProperty("message").GetString(), Is.EqualTo("No data provided"));
    }

    [TestCase("{\"description\":\"x\"}")]
    [TestCase("{\"name\":\"   \"}")]
    [TestCase("{\"name\":null}")]
    public async Task AMissingNameAnswers400ProfileNameIsRequired(string body)
    {
        using var response = await host.AsAdmin(HttpMethod.Post, Profiles, raw: body);
        var json = await ApiTestHost.Json(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(json.GetProperty("message").GetString(), Is.EqualTo("Profile name is required"));
        Assert.That(json.GetProperty("errors").GetProperty("name")[0].GetString(), Is.EqualTo("Profile name is required"));
    }

    [TestCase("{\"name\":5}", "name")]
    [TestCase("{\"name\":\"A\",\"prompts_per_hour\":\"ten\"}", "prompts_per_hour")]
    [TestCase("{\"name\":\"A\",\"prompts_per_hour\":1.5}", "prompts_per_hour")]
    [TestCase("{\"name\":\"A\",\"prompts_per_hour\":null}", "prompts_per_hour")]
    [TestCase("{\"name\":\"A\",\"prompts_per_day\":99999999999999999999}", "prompts_per_day")]
    [TestCase("{\"name\":\"A\",\"config_changes_per_hour\":1e400}", "config_changes_per_hour")]
    [TestCase("{\"name\":\"A\",\"prompts_per_day\":2147483648}", "prompts_per_day")]
    [TestCase("{\"name\":\"A\",\"input_tokens_per_month\":9223372036854775808}", "input_tokens_per_month")]
    [TestCase("{\"name\":\"A\",\"output_tokens_per_month\":[1]}", "output_tokens_per_month")]
    [TestCase("{\"name\":\"A\",\"is_default\":\"true\"}", "is_default")]
    [TestCase("{\"name\":\"A\",\"is_active\":1}", "is_active")]
    [TestCase("{\"name\":\"A\",\"prompts_per_hour\":-1}", "prompts_per_hour")]
    [TestCase("{\"name\":\"A\",\"input_tokens_per_month\":-5}", "input_tokens_per_month")]
    public async Task AWronglyTypedOrOutOfRangeFieldAnswers400NamingTheField(string body, string field)
    {
        using var response = await host.AsAdmin(HttpMethod.Post, Profiles, raw: body);
        var json = await ApiTestHost.Json(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToString());
        Assert.That(json.GetProperty("errors").TryGetProperty(field, out _), Is.True, json.ToString());
        Assert.That((await host.Profiles.ListAsync()).Select(p => p.Name), Does.Not.Contain("A"));
    }

    [TestCase("{\"name\":")]
    [TestCase("{'name':'x'}")]
    [TestCase("{\"name\":\"x\",}")]
    [TestCase("{\"name\":\"x\"}{}")]
    [TestCase("{\"name\":\"x\",\"name\":\"y\"}")]
    [TestCase("\u0000\u0001")]
    public async Task MalformedJsonAnswers400Never500(string body)
    {
        using var response = await host.AsAdmin(HttpMethod.Post, Profiles, raw: body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ApiTestHost.Json(response)).GetProperty("title").GetString(), Is.EqualTo("Malformed JSON"));
    }

    [TestCase("[]")]
    [TestCase("\"Starter\"")]
    [TestCase("42")]
    public async Task ABodyThatIsNotAnObjectAnswers400(string body)
    {
        using var response = await host.AsAdmin(HttpMethod.Post, Profiles, raw: body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task DeeplyNestedJsonAnswers400()
    {
        var body = "{\"name\":\"x\",\"extra\":" + new string('[', 200) + new string(']', 200) + "}";
        using var response = await host.AsAdmin(HttpMethod.Post, Profiles, raw: body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task A1MBBodyIsRefusedWith413AndChangesNothing()
    {
        var body = "{\"name\":\"Huge\",\"description\":\"" + new string('x', 1024 * 1024) + "\"}";
        using var response = await host.AsAdmin(HttpMethod.Post, Profiles, raw: body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That((await ApiTestHost.Json(response)).GetProperty("title").GetString(), Is.EqualTo("Request body too large"));
        Assert.That((await host.Profiles.ListAsync()).Select(p => p.Name), Does.Not.Contain("Huge"));

        using var put = await host.AsAdmin(HttpMethod.Put, "/api/v1/auth/admin/users/alice/consumption-profile", raw: "{\"profile_id\":1,\"pad\":\"" + new string('x', 1024 * 1024) + "\"}");
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [Test]
    public async Task ExtraFieldsAreIgnoredAndCannotSetServerFields()
    {
        using var response = await host.AsAdmin(HttpMethod.Post, Profiles, raw: "{\"name\":\"Extra\",\"id\":999,\"user_count\":50,\"created_at\":\"1999-01-01\",\"admin\":true}");
        var profile = (await ApiTestHost.Json(response)).GetProperty("profile");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(profile.GetProperty("id").GetInt64(), Is.Not.EqualTo(999));
        Assert.That(profile.GetProperty("user_count").GetInt64(), Is.Zero);
    }

    [Test]
    public async Task UpdateChangesOnlyTheGivenFields()
    {
        var id = await CreateAsync();
        using var response = await host.AsAdmin(HttpMethod.Put, $"{Profiles}/{id}", new { prompts_per_hour = 42, input_tokens_per_month = (long?)null, description = (string?)null });
        var json = await ApiTestHost.Json(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(json.GetProperty("message").GetString(), Is.EqualTo("Consumption profile updated successfully"));
        var profile = json.GetProperty("profile");
        Assert.That(profile.GetProperty("prompts_per_hour").GetInt32(), Is.EqualTo(42));
        Assert.That(profile.GetProperty("prompts_per_day").GetInt32(), Is.EqualTo(300));
        Assert.That(profile.GetProperty("input_tokens_per_month").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(profile.GetProperty("output_tokens_per_month").GetInt64(), Is.EqualTo(25000));
        Assert.That(profile.GetProperty("description").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task UpdateStatusCodes()
    {
        var id = await CreateAsync();
        using var notFound = await host.AsAdmin(HttpMethod.Put, $"{Profiles}/9999", new { prompts_per_hour = 1 });
        Assert.That(notFound.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await ApiTestHost.Json(notFound)).GetProperty("message").GetString(), Is.EqualTo("Consumption profile not found"));

        using var conflict = await host.AsAdmin(HttpMethod.Put, $"{Profiles}/{id}", new { name = "pro" });
        Assert.That(conflict.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));

        using var empty = await host.AsAdmin(HttpMethod.Put, $"{Profiles}/{id}", raw: "{}");
        Assert.That(empty.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ApiTestHost.Json(empty)).GetProperty("message").GetString(), Is.EqualTo("No data provided"));

        using var emptyName = await host.AsAdmin(HttpMethod.Put, $"{Profiles}/{id}", new { name = "" });
        Assert.That(emptyName.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using var nullName = await host.AsAdmin(HttpMethod.Put, $"{Profiles}/{id}", raw: "{\"name\":null}");
        Assert.That(nullName.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using var malformed = await host.AsAdmin(HttpMethod.Put, $"{Profiles}/{id}", raw: "{\"name\"");
        Assert.That(malformed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        using var badId = await host.AsAdmin(HttpMethod.Put, $"{Profiles}/abc", new { name = "x" });
        Assert.That(badId.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var getMissing = await host.AsAdmin(HttpMethod.Get, $"{Profiles}/99999999999999999999");
        Assert.That(getMissing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task DeleteStatusCodesAndSeedMessages()
    {
        var id = await CreateAsync();
        var free = (await host.Profiles.ListAsync()).Single(p => p.Name == "Free").Id;
        await host.Profiles.AssignManyAsync(["alice", "bob"], id);

        using var inUse = await host.AsAdmin(HttpMethod.Delete, $"{Profiles}/{id}");
        var refused = await ApiTestHost.Json(inUse);
        Assert.That(inUse.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(refused.GetProperty("message").GetString(), Is.EqualTo("Cannot delete profile. 2 user(s) are assigned to it."));
        Assert.That(refused.GetProperty("user_count").GetInt64(), Is.EqualTo(2));

        using var isDefault = await host.AsAdmin(HttpMethod.Delete, $"{Profiles}/{free}");
        Assert.That(isDefault.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ApiTestHost.Json(isDefault)).GetProperty("status").GetString(), Is.EqualTo("error"));

        using var badTarget = await host.AsAdmin(HttpMethod.Delete, $"{Profiles}/{id}?reassign_to=abc");
        Assert.That(badTarget.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        using var moved = await host.AsAdmin(HttpMethod.Delete, $"{Profiles}/{id}?reassign_to={free}");
        Assert.That(moved.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ApiTestHost.Json(moved)).GetProperty("message").GetString(), Is.EqualTo("Consumption profile deleted successfully"));
        Assert.That((await host.Profiles.GetAsync(free)).UserCount, Is.EqualTo(2));

        using var gone = await host.AsAdmin(HttpMethod.Delete, $"{Profiles}/{id}");
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task ActivateDeactivateAndSetDefault()
    {
        var id = await CreateAsync();
        var free = (await host.Profiles.ListAsync()).Single(p => p.Name == "Free").Id;

        using var deactivate = await host.AsAdmin(HttpMethod.Post, $"{Profiles}/{id}/deactivate");
        Assert.That(deactivate.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ApiTestHost.Json(deactivate)).GetProperty("profile").GetProperty("is_active").GetBoolean(), Is.False);

        using var inactiveDefault = await host.AsAdmin(HttpMethod.Post, $"{Profiles}/{id}/set-default");
        Assert.That(inactiveDefault.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        using var activate = await host.AsAdmin(HttpMethod.Post, $"{Profiles}/{id}/activate");
        Assert.That(activate.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ApiTestHost.Json(activate)).GetProperty("message").GetString(), Is.EqualTo("Consumption profile activated successfully"));

        using var setDefault = await host.AsAdmin(HttpMethod.Post, $"{Profiles}/{id}/set-default");
        Assert.That(setDefault.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await host.Profiles.GetAsync(free)).IsDefault, Is.False);

        using var deactivateDefault = await host.AsAdmin(HttpMethod.Post, $"{Profiles}/{id}/deactivate");
        Assert.That(deactivateDefault.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ApiTestHost.Json(deactivateDefault)).GetProperty("message").GetString(), Does.StartWith("Cannot deactivate the default profile"));

        foreach (var action in new[] { "activate", "deactivate", "set-default" })
        {
            using var missing = await host.AsAdmin(HttpMethod.Post, $"{Profiles}/4242/{action}");
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), action);
        }
    }

    [Test]
    public async Task AssignAndUnassignAUser()
    {
        var id = await CreateAsync();
        using var assign = await host.AsAdmin(HttpMethod.Put, "/api/v1/auth/admin/users/alice/consumption-profile", new { profile_id = id });
        var json = await ApiTestHost.Json(assign);
        Assert.That(assign.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(json.GetProperty("message").GetString(), Is.EqualTo("Consumption profile assigned to Starter successfully"), "the seed names the profile");
        Assert.That(json.GetProperty("user").GetProperty("consumption_profile_id").GetInt64(), Is.EqualTo(id));
        Assert.That((await host.Profiles.GetEffectiveProfileAsync("alice"))!.Id, Is.EqualTo(id));

        using var users = await host.AsAdmin(HttpMethod.Get, $"{Profiles}/{id}/users");
        Assert.That((await ApiTestHost.Json(users)).GetProperty("users")[0].GetProperty("user_id").GetString(), Is.EqualTo("alice"));

        using var effective = await host.AsAdmin(HttpMethod.Get, "/api/v1/auth/admin/users/alice/consumption-profile");
        Assert.That((await ApiTestHost.Json(effective)).GetProperty("user").GetProperty("effective_profile").GetProperty("id").GetInt64(), Is.EqualTo(id));

        using var unassign = await host.AsAdmin(HttpMethod.Put, "/api/v1/auth/admin/users/alice/consumption-profile", raw: "{\"profile_id\":null}");
        Assert.That(unassign.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ApiTestHost.Json(unassign)).GetProperty("message").GetString(), Is.EqualTo("Consumption profile unassigned successfully"));
        Assert.That((await host.Profiles.GetEffectiveProfileAsync("alice"))!.Name, Is.EqualTo("Free"));
    }

    [TestCase("", HttpStatusCode.BadRequest, "profile_id is required")]
    [TestCase("{}", HttpStatusCode.BadRequest, "profile_id is required")]
    [TestCase("{\"profile\":2}", HttpStatusCode.BadRequest, "profile_id is required")]
    [TestCase("{\"profile_id\":\"2\"}", HttpStatusCode.BadRequest, "profile_id must be a profile id or null.")]
    [TestCase("{\"profile_id\":4242}", HttpStatusCode.NotFound, "Consumption profile not found or inactive")]
    [TestCase("{\"profile_id\":", HttpStatusCode.BadRequest, null)]
    public async Task AssignRefusals(string body, HttpStatusCode status, string? message)
    {
        using var response = await host.AsAdmin(HttpMethod.Put, "/api/v1/auth/admin/users/alice/consumption-profile", raw: body);
        Assert.That(response.StatusCode, Is.EqualTo(status));
        if (message is not null)
        {
            Assert.That((await ApiTestHost.Json(response)).GetProperty("message").GetString(), Is.EqualTo(message));
        }
    }

    [Test]
    public async Task AssigningAnInactiveProfileAnswers404AndAnOverlongUserId400()
    {
        var id = await CreateAsync();
        await host.Profiles.DeactivateAsync(id);
        using var inactive = await host.AsAdmin(HttpMethod.Put, "/api/v1/auth/admin/users/alice/consumption-profile", new { profile_id = id });
        Assert.That(inactive.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await ApiTestHost.Json(inactive)).GetProperty("message").GetString(), Is.EqualTo("Consumption profile not found or inactive"));

        using var longId = await host.AsAdmin(HttpMethod.Put, $"/api/v1/auth/admin/users/{new string('u', 200)}/consumption-profile", new { profile_id = 1 });
        Assert.That(longId.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task BulkAssignment()
    {
        var id = await CreateAsync();
        using var response = await host.AsAdmin(HttpMethod.Put, "/api/v1/auth/admin/users/consumption-profile", new { user_ids = new[] { "alice", "bob", "carol" }, profile_id = id });
        var json = await ApiTestHost.Json(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(json.GetProperty("assigned").GetInt32(), Is.EqualTo(3));
        Assert.That(json.GetProperty("message").GetString(), Is.EqualTo("Consumption profile assigned to 3 user(s) successfully"));
        Assert.That((await host.Profiles.GetAsync(id)).UserCount, Is.EqualTo(3));

        using var unassign = await host.AsAdmin(HttpMethod.Put, "/api/v1/auth/admin/users/consumption-profile", raw: "{\"user_ids\":[\"alice\"],\"profile_id\":null}");
        Assert.That(unassign.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await host.Profiles.GetAsync(id)).UserCount, Is.EqualTo(2));

        foreach (var (body, status) in new[]
        {
            ("{\"user_ids\":[\"a\",\"a\"],\"profile_id\":1}", HttpStatusCode.BadRequest),
            ("{\"user_ids\":[],\"profile_id\":1}", HttpStatusCode.BadRequest),
            ("{\"user_ids\":\"alice\",\"profile_id\":1}", HttpStatusCode.BadRequest),
            ("{\"user_ids\":[1,2],\"profile_id\":1}", HttpStatusCode.BadRequest),
            ("{\"user_ids\":[\"a\"]}", HttpStatusCode.BadRequest),
            ("{\"user_ids\":[\"a\"],\"profile_id\":4242}", HttpStatusCode.NotFound),
            ("[1]", HttpStatusCode.BadRequest),
        })
        {
            using var refused = await host.AsAdmin(HttpMethod.Put, "/api/v1/auth/admin/users/consumption-profile", raw: body);
            Assert.That(refused.StatusCode, Is.EqualTo(status), body);
        }

        Assert.That((await host.Profiles.GetAsync(id)).UserCount, Is.EqualTo(2));
    }

    [Test]
    public async Task UsageReports()
    {
        await host.Checker.RecordAsync("alice", 100, 50);
        await host.Checker.RecordAsync("bob", 10, 5);
        using var usage = await host.AsAdmin(HttpMethod.Get, "/api/v1/auth/admin/usage?sort=user_id&limit=1");
        var json = await ApiTestHost.Json(usage);
        Assert.That(usage.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(json.GetProperty("total_count").GetInt64(), Is.EqualTo(2));
        Assert.That(json.GetProperty("users")[0].GetProperty("user_id").GetString(), Is.EqualTo("alice"));
        Assert.That(json.GetProperty("users")[0].GetProperty("input_tokens_used").GetInt64(), Is.EqualTo(100));

        using var periods = await host.AsAdmin(HttpMethod.Get, "/api/v1/auth/admin/usage/periods");
        Assert.That((await ApiTestHost.Json(periods)).GetProperty("periods")[0].GetProperty("total_tokens_used").GetInt64(), Is.EqualTo(165));

        using var history = await host.AsAdmin(HttpMethod.Get, "/api/v1/auth/admin/usage/users/bob");
        Assert.That((await ApiTestHost.Json(history)).GetProperty("history")[0].GetProperty("output_tokens_used").GetInt64(), Is.EqualTo(5));

        using var empty = await host.AsAdmin(HttpMethod.Get, "/api/v1/auth/admin/usage?period=2001-01");
        Assert.That((await ApiTestHost.Json(empty)).GetProperty("total_count").GetInt64(), Is.Zero);

        foreach (var query in new[] { "period=2025-13", "period=202512", "sort=cost", "limit=0", "limit=100000", "offset=-1", "limit=abc" })
        {
            using var bad = await host.AsAdmin(HttpMethod.Get, $"/api/v1/auth/admin/usage?{query}");
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), query);
        }

        using var badPeriod = await host.AsAdmin(HttpMethod.Get, "/api/v1/auth/admin/usage?period=2025-13");
        Assert.That((await ApiTestHost.Json(badPeriod)).GetProperty("message").GetString(), Is.EqualTo("Invalid period format. Use YYYY-MM"));
    }

    [Test]
    public async Task AuditLogIsPagedAndFiltered()
    {
        for (var i = 0; i < 5; i++)
        {
            await CreateAsync($"P{i}");
        }

        using var first = await host.AsAdmin(HttpMethod.Get, "/api/v1/auth/admin/audit-log?limit=2&action=profile.create");
        var json = await ApiTestHost.Json(first);
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(json.GetProperty("total_count").GetInt64(), Is.EqualTo(5));
        var entries = json.GetProperty("entries").EnumerateArray().ToList();
        Assert.That(entries, Has.Count.EqualTo(2));
        Assert.That(entries[0].GetProperty("actor").GetString(), Is.EqualTo("root"));
        Assert.That(entries[0].GetProperty("after").GetProperty("name").GetString(), Is.EqualTo("P4"));

        using var last = await host.AsAdmin(HttpMethod.Get, "/api/v1/auth/admin/audit-log?limit=2&offset=4&action=profile.create");
        Assert.That((await ApiTestHost.Json(last)).GetProperty("entries").GetArrayLength(), Is.EqualTo(1));

        foreach (var query in new[] { "limit=0", "limit=1001", "offset=x", "from=yesterday" })
        {
            using var bad = await host.AsAdmin(HttpMethod.Get, $"/api/v1/auth/admin/audit-log?{query}");
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), query);
        }
    }

    [Test]
    public async Task ConcurrentCreatesOfOneNameGiveExactlyOne201()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => host.AsAdmin(HttpMethod.Post, Profiles, Starter("Racer"))));
        var codes = responses.Select(r => r.StatusCode).ToList();
        Assert.That(codes.Count(c => c == HttpStatusCode.Created), Is.EqualTo(1), string.Join(",", codes));
        Assert.That(codes.Count(c => c == HttpStatusCode.Conflict), Is.EqualTo(15));
        Assert.That((await host.Profiles.ListAsync()).Count(p => p.Name == "Racer"), Is.EqualTo(1));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Test]
    public async Task ConcurrentEditsAndDefaultChangesLeaveOneDefaultAndNo500()
    {
        var ids = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await CreateAsync($"C{i}"));
        }

        var tasks = new List<Task<HttpResponseMessage>>();
        for (var round = 0; round < 5; round++)
        {
            foreach (var id in ids)
            {
                tasks.Add(host.AsAdmin(HttpMethod.Post, $"{Profiles}/{id}/set-default"));
                tasks.Add(host.AsAdmin(HttpMethod.Put, $"{Profiles}/{id}", new { prompts_per_hour = round, description = $"round {round}" }));
            }
        }

        var responses = await Task.WhenAll(tasks);
        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        var profiles = await host.Profiles.ListAsync();
        Assert.That(profiles.Count(p => p.IsDefault), Is.EqualTo(1));
        Assert.That(ids.Select(id => profiles.Single(p => p.Id == id).PromptsPerHour), Is.All.InRange(0, 4));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }
}
