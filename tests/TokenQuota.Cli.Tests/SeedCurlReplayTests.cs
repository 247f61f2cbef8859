using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using TokenQuota.Samples.WebHost;
using TokenQuota.Testing;

namespace TokenQuota.Cli.Tests;

/// <summary>
/// A seed installation imported with <c>tokenquota import-seed</c>, then the seed document's curl examples
/// ("API Examples" in consumption-profiles.md) replayed against the web sample on that database: the seed's fields come back.
/// </summary>
public class SeedCurlReplayTests : CliTestBase
{
    [Test]
    public async Task AfterAnImportTheSeedDocumentsCurlExamplesGetTheSeedsFieldsBackFromTheWebSample()
    {
        var seedPath = Path.Combine(Folder, "tda_auth.db");
        var period = CurrentPeriod;
        SeedDatabase.Create(seedPath)
            .User("alice", "alice", 2)
            .User("bob", "bob")
            .Usage("alice", period, 45_230, 23_150, $"{period}-01 08:00:00.000000", $"{period}-01 09:00:00.000000");
        await RunOkAsync("import-seed", "--from", seedPath);

        await using var app = WebHostApp.Build(
            [],
            builder =>
            {
                builder.WebHost.UseUrls("http://127.0.0.1:0");
                builder.Configuration["TokenQuota:ConnectionString"] = $"Data Source={DbPath}";
                builder.Logging.ClearProviders();
            });
        await app.StartAsync();
        var baseAddress = new Uri(app.Urls.Single(u => u.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)));
        using var admin = await SignInAsync(baseAddress, "admin");
        using var alice = await SignInAsync(baseAddress, "alice");

        // Get All Profiles (Admin)
        var list = await JsonAsync(await admin.GetAsync("/api/v1/auth/admin/consumption-profiles"), HttpStatusCode.OK);
        // Create Profile (Admin), with the document's body verbatim
        var created = await JsonAsync(
            await admin.PostAsync(
                "/api/v1/auth/admin/consumption-profiles",
                new StringContent(
                    """
                    {
                        "name": "Starter",
                        "description": "Starter tier",
                        "prompts_per_hour": 30,
                        "prompts_per_day": 300,
                        "config_changes_per_hour": 3,
                        "input_tokens_per_month": 50000,
                        "output_tokens_per_month": 25000,
                        "is_default": false
                    }
                    """,
                    System.Text.Encoding.UTF8,
                    "application/json")),
            HttpStatusCode.Created);
        // Assign Profile to User (Admin)
        var assigned = await JsonAsync(await admin.PutAsJsonAsync("/api/v1/auth/admin/users/bob/consumption-profile", new { profile_id = 2 }), HttpStatusCode.OK);
        // Get My Quota Status (User)
        var status = await JsonAsync(await alice.GetAsync("/api/v1/auth/user/quota-status"), HttpStatusCode.OK);
        await app.StopAsync();

        var pro = list.GetProperty("profiles").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Pro");
        var quota = status.GetProperty("quota");
        Assert.Multiple(() =>
        {
            Assert.That(list.GetProperty("status").GetString(), Is.EqualTo("success"));
            Assert.That(
                pro.EnumerateObject().Select(p => p.Name),
                Is.SupersetOf(new[]
                {
                    "id", "name", "description", "prompts_per_hour", "prompts_per_day", "config_changes_per_hour", "input_tokens_per_month",
                    "output_tokens_per_month", "is_default", "is_active", "created_at", "updated_at", "user_count",
                }));
            Assert.That(pro.GetProperty("id").GetInt64(), Is.EqualTo(2));
            Assert.That(pro.GetProperty("description").GetString(), Is.EqualTo("Professional tier"), "the seed's description, imported");
            Assert.That(pro.GetProperty("user_count").GetInt64(), Is.EqualTo(1), "alice's imported assignment");
            Assert.That(list.GetProperty("profiles")[0].GetProperty("name").GetString(), Is.EqualTo("Free"), "the default first");

            Assert.That(created.GetProperty("status").GetString(), Is.EqualTo("success"));
            Assert.That(created.GetProperty("profile").GetProperty("name").GetString(), Is.EqualTo("Starter"));
            Assert.That(created.GetProperty("profile").GetProperty("input_tokens_per_month").GetInt64(), Is.EqualTo(50_000));

            Assert.That(assigned.GetProperty("status").GetString(), Is.EqualTo("success"));
            Assert.That(assigned.GetProperty("message").GetString(), Is.EqualTo("Consumption profile assigned to Pro successfully"));

            Assert.That(status.GetProperty("status").GetString(), Is.EqualTo("success"));
            Assert.That(quota.GetProperty("has_quota").GetBoolean(), Is.True);
            Assert.That(quota.GetProperty("period").GetString(), Is.EqualTo(period));
            Assert.That(quota.GetProperty("profile_name").GetString(), Is.EqualTo("Pro"));
            Assert.That(quota.GetProperty("profile_id").GetInt64(), Is.EqualTo(2));
            Assert.That(quota.GetProperty("input_tokens").GetProperty("limit").GetInt64(), Is.EqualTo(500_000));
            Assert.That(quota.GetProperty("input_tokens").GetProperty("used").GetInt64(), Is.EqualTo(45_230));
            Assert.That(quota.GetProperty("input_tokens").GetProperty("remaining").GetInt64(), Is.EqualTo(454_770));
            Assert.That(quota.GetProperty("input_tokens").GetProperty("percentage_used").GetDouble(), Is.EqualTo(9.0));
            Assert.That(quota.GetProperty("output_tokens").GetProperty("used").GetInt64(), Is.EqualTo(23_150));
            Assert.That(quota.GetProperty("output_tokens").GetProperty("remaining").GetInt64(), Is.EqualTo(226_850));
            Assert.That(quota.GetProperty("output_tokens").GetProperty("percentage_used").GetDouble(), Is.EqualTo(9.3));
            Assert.That(quota.GetProperty("rate_limits").GetProperty("prompts_per_hour").GetInt32(), Is.EqualTo(200));
            Assert.That(quota.GetProperty("rate_limits").GetProperty("prompts_per_day").GetInt32(), Is.EqualTo(2000));
            Assert.That(quota.GetProperty("rate_limits").GetProperty("config_changes_per_hour").GetInt32(), Is.EqualTo(20));
        });
    }

    private static async Task<HttpClient> SignInAsync(Uri baseAddress, string user)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = baseAddress };
        var response = await client.PostAsJsonAsync("/account/signin", new { userName = user, password = DemoUsers.Password });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"signing in as {user}");
        return client;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), text);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
