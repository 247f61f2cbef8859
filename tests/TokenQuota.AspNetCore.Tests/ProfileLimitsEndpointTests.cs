using System.Net;
using System.Text.Json;

namespace TokenQuota.AspNetCore.Tests;

/// <summary>A profile's calendar and extra limits through the seed's admin routes, on a real SQLite file.</summary>
public sealed class ProfileLimitsEndpointTests
{
    private const string Profiles = "/api/v1/auth/admin/consumption-profiles";
    private ApiTestHost host = null!;

    [SetUp]
    public async Task Start() => host = await ApiTestHost.StartAsync();

    [TearDown]
    public async Task Stop() => await host.DisposeAsync();

    [Test]
    public async Task ACreatedProfileAnswersItsCalendarAndLimitsInTheSeedShapeWithTheNewFieldsBeside()
    {
        const string body = """
            {"name": "Metered", "time_zone": "Europe/Paris", "anchor_day": 15, "week_start": "Sunday",
             "limits": [{"meter": "total_tokens", "window": "minute", "model": "gpt-4o*", "amount": 20000},
                        {"meter": "prompts", "window": "minute", "algorithm": "token_bucket", "amount": 10},
                        {"meter": "in_flight", "amount": 4}]}
            """;
        using var response = await host.AsAdmin(HttpMethod.Post, Profiles, raw: body);
        var profile = (await ApiTestHost.Json(response)).GetProperty("profile");
        var stored = await host.Profiles.GetAsync(profile.GetProperty("id").GetInt64());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), profile.ToString());
            Assert.That(profile.GetProperty("time_zone").GetString(), Is.EqualTo("Europe/Paris"));
            Assert.That(profile.GetProperty("anchor_day").GetInt32(), Is.EqualTo(15));
            Assert.That(profile.GetProperty("week_start").GetString(), Is.EqualTo("sunday"));
            Assert.That(stored.WeekStart, Is.EqualTo(DayOfWeek.Sunday));
            Assert.That(profile.GetProperty("limits").ToString(), Is.EqualTo(
                """[{"meter":"total_tokens","window":"minute","model":"gpt-4o*","amount":20000},""" +
                """{"meter":"prompts","window":"minute","amount":10,"algorithm":"token_bucket"},{"meter":"in_flight","amount":4}]"""));
            Assert.That(profile.GetProperty("prompts_per_hour").GetInt32(), Is.EqualTo(100), "the seed's fields are unchanged");
            Assert.That(stored.Limits.Select(l => l.ToString()), Is.EqualTo(new[] { "total_tokens/minute=20000@gpt-4o*", "prompts/minute:token_bucket=10", "in_flight=4" }));
        });
    }

    [Test]
    public async Task AnUpdateReplacesTheLimitsAndNullRemovesThem()
    {
        using var created = await host.AsAdmin(HttpMethod.Post, Profiles, raw: """{"name": "Metered", "limits": [{"meter": "in_flight", "amount": 2}]}""");
        var id = (await ApiTestHost.Json(created)).GetProperty("profile").GetProperty("id").GetInt64();

        using var renamed = await host.AsAdmin(HttpMethod.Put, $"{Profiles}/{id}", raw: """{"name": "Metered 2"}""");
        var kept = (await host.Profiles.GetAsync(id)).Limits.Select(l => l.ToString()).ToList();
        using var replaced = await host.AsAdmin(HttpMethod.Put, $"{Profiles}/{id}", raw: """{"limits": [{"meter": "output_tokens", "window": "day", "amount": null}], "anchor_day": 31}""");
        var afterReplace = await host.Profiles.GetAsync(id);
        using var cleared = await host.AsAdmin(HttpMethod.Put, $"{Profiles}/{id}", raw: """{"limits": null}""");

        Assert.Multiple(async () =>
        {
            Assert.That(renamed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(kept, Is.EqualTo(new[] { "in_flight=2" }), "omitted limits are kept");
            Assert.That(replaced.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(afterReplace.Limits.Select(l => l.ToString()), Is.EqualTo(new[] { "output_tokens/day=unlimited" }));
            Assert.That(afterReplace.AnchorDay, Is.EqualTo(31));
            Assert.That(cleared.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await host.Profiles.GetAsync(id)).Limits, Is.Empty);
        });
    }

    [Test]
    public async Task AWeekStartIsMondayUnlessGivenAndAnUpdateChangesItOrRefusesABadOneWritingNothing()
    {
        using var created = await host.AsAdmin(HttpMethod.Post, Profiles, raw: """{"name": "Weekly"}""");
        var profile = (await ApiTestHost.Json(created)).GetProperty("profile");
        var id = profile.GetProperty("id").GetInt64();

        using var changed = await host.AsAdmin(HttpMethod.Put, $"{Profiles}/{id}", raw: """{"week_start": "SATURDAY"}""");
        var changedWeekStart = (await ApiTestHost.Json(changed)).GetProperty("profile").GetProperty("week_start").GetString();
        var afterChange = await host.Profiles.GetAsync(id);
        using var refused = await host.AsAdmin(HttpMethod.Put, $"{Profiles}/{id}", raw: """{"week_start": "funday", "anchor_day": 10}""");
        var errors = (await ApiTestHost.Json(refused)).GetProperty("errors");
        var after = await host.Profiles.GetAsync(id);

        Assert.Multiple(() =>
        {
            Assert.That(profile.GetProperty("week_start").GetString(), Is.EqualTo("monday"), "the default");
            Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(changedWeekStart, Is.EqualTo("saturday"), "any case in, lower case out");
            Assert.That(afterChange.WeekStart, Is.EqualTo(DayOfWeek.Saturday));
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(errors.GetProperty("week_start")[0].GetString(), Is.EqualTo("week_start must be a day of the week, monday to sunday; got 'funday'."));
            Assert.That((after.WeekStart, after.AnchorDay), Is.EqualTo((DayOfWeek.Saturday, 1)), "a refused update writes nothing");
        });
    }

    [TestCase("""{"name":"A","limits":[{"meter":"watts","window":"minute","amount":1}]}""", "limits[0].meter", "Unknown meter 'watts'")]
    [TestCase("""{"name":"A","limits":[{"meter":"prompts","window":"fortnight","amount":1}]}""", "limits[0].window", "Unknown window 'fortnight'")]
    [TestCase("""{"name":"A","limits":[{"meter":"prompts","window":"minute","amount":-1}]}""", "limits[0].amount", "non-negative")]
    [TestCase("""{"name":"A","limits":[{"meter":"prompts","window":"minute","amount":"ten"}]}""", "limits[0].amount", "integer")]
    [TestCase("""{"name":"A","limits":[{"meter":"in_flight","window":"minute","amount":2}]}""", "limits[0].window", "no window")]
    [TestCase("""{"name":"A","limits":[{"meter":"prompts","amount":2}]}""", "limits[0].window", "needs a window")]
    [TestCase("""{"name":"A","limits":[{"meter":"prompts","window":"month","algorithm":"token_bucket","amount":2}]}""", "limits[0].algorithm", "minute, hour or day")]
    [TestCase("""{"name":"A","limits":[{"meter":"prompts","window":"minute","algorithm":"leaky","amount":2}]}""", "limits[0].algorithm", "Unknown algorithm")]
    [TestCase("""{"name":"A","limits":[{"meter":"prompts","window":"minute","model":"","amount":2}]}""", "limits[0].model", "empty")]
    [TestCase("""{"name":"A","limits":[{"window":"minute","amount":2}]}""", "limits[0].meter", "meter is required")]
    [TestCase("""{"name":"A","limits":[5]}""", "limits[0]", "object")]
    [TestCase("""{"name":"A","limits":{"meter":"prompts"}}""", "limits", "array")]
    [TestCase("""{"name":"A","limits":[{"meter":"total_tokens","window":"minute","amount":1},{"meter":"total_tokens","window":"minute","amount":2}]}""", "limits[1]", "same meter, window and model")]
    [TestCase("""{"name":"A","time_zone":"Mars/Olympus"}""", "time_zone", "Unknown time zone 'Mars/Olympus'")]
    [TestCase("""{"name":"A","time_zone":null}""", "time_zone", "IANA")]
    [TestCase("""{"name":"A","anchor_day":0}""", "anchor_day", "1 to 31")]
    [TestCase("""{"name":"A","anchor_day":32}""", "anchor_day", "1 to 31")]
    [TestCase("""{"name":"A","week_start":"funday"}""", "week_start", "monday to sunday; got 'funday'")]
    [TestCase("""{"name":"A","week_start":9}""", "week_start", "monday to sunday; got 9")]
    [TestCase("""{"name":"A","week_start":"1"}""", "week_start", "monday to sunday; got '1'")]
    [TestCase("""{"name":"A","week_start":"monday,tuesday"}""", "week_start", "monday to sunday; got 'monday,tuesday'")]
    [TestCase("""{"name":"A","week_start":["sunday"]}""", "week_start", "monday to sunday; got an array")]
    [TestCase("""{"name":"A","week_start":null}""", "week_start", "monday to sunday")]
    public async Task ABadCalendarOrLimitAnswers400NamingTheFieldAndWritesNothing(string body, string field, string says)
    {
        using var response = await host.AsAdmin(HttpMethod.Post, Profiles, raw: body);
        var json = await ApiTestHost.Json(response);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), json.ToString());
            Assert.That(json.GetProperty("errors").TryGetProperty(field, out var messages), Is.True, json.ToString());
            Assert.That(messages.ValueKind == JsonValueKind.Array ? messages[0].GetString() : null, Does.Contain(says), json.ToString());
            Assert.That((await host.Profiles.ListAsync()).Select(p => p.Name), Does.Not.Contain("A"));
        });
    }
}
