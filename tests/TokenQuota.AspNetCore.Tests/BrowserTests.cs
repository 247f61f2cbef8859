using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using TokenQuota.Samples.WebHost;

namespace TokenQuota.AspNetCore.Tests;

/// <summary>
/// Drives the web sample in the machine's headless Chromium (/usr/bin/chromium, installed by build/services/chromium.sh):
/// the admin creates a small profile and assigns it, then the user's widget goes from normal to warning to blocked, and a
/// refused prompt shows the server's message. Screenshots of each state go to the test output folder.
/// </summary>
[NonParallelizable]
public sealed class BrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private string folder = null!;
    private string screenshots = null!;
    private WebApplication app = null!;
    private string baseUrl = null!;
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Assert.That(File.Exists(Chromium), Is.True, "Chromium is missing; build/test.sh installs it through build/services/chromium.sh.");
        folder = Path.Combine(Path.GetTempPath(), "tokenquota-browser-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        screenshots = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);

        app = WebHostApp.Build(
            [],
            builder =>
            {
                builder.WebHost.UseUrls("http://127.0.0.1:0");
                builder.Configuration["TokenQuota:ConnectionString"] = $"Data Source={Path.Combine(folder, "sample.db")}";
                builder.Logging.ClearProviders();
            },
            webRootPath: Path.Combine(AppContext.BaseDirectory, "webhost-wwwroot"));
        await app.StartAsync();
        baseUrl = app.Urls.Single(u => u.StartsWith("http://127.0.0.1:", StringComparison.Ordinal));

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
            ],
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task AdminSetsASmallProfileAndTheUserWidgetWarnsThenBlocks()
    {
        // --- admin: create a profile with small limits and assign it to alice ---
        var admin = await SignInAsync("admin", "/admin.html");
        await Assertions.Expect(admin.Locator("#profiles-table tbody tr")).ToHaveCountAsync(4);
        await Assertions.Expect(admin.Locator("#users-table tbody tr")).ToHaveCountAsync(3);
        await ShotAsync(admin, "01-admin-panel.png");

        await admin.GetByLabel("Name", new() { Exact = true }).FillAsync("Tiny");
        await admin.GetByLabel("Description").FillAsync("Browser-test tier");
        await admin.GetByLabel("Input tokens per month (empty = unlimited)").FillAsync("1000");
        await admin.GetByLabel("Output tokens per month (empty = unlimited)").FillAsync("100000");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create profile" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#admin-status")).ToHaveTextAsync("Consumption profile created successfully");
        var tinyRow = admin.Locator("#profiles-table tbody tr", new() { Has = admin.GetByRole(AriaRole.Rowheader, new() { Name = "Tiny" }) });
        await Assertions.Expect(tinyRow).ToHaveCountAsync(1);
        await Assertions.Expect(tinyRow.Locator("td").Nth(3)).ToHaveTextAsync("1,000");

        // A duplicate name shows the server's 409 message.
        await admin.GetByLabel("Name", new() { Exact = true }).FillAsync("tiny");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create profile" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#admin-error")).ToHaveTextAsync("Profile with name \"tiny\" already exists");
        await admin.GetByLabel("Name", new() { Exact = true }).FillAsync(string.Empty);

        await admin.GetByLabel("Consumption profile of Alice").SelectOptionAsync(new SelectOptionValue { Label = "Tiny" });
        await Assertions.Expect(admin.Locator("#admin-status")).ToHaveTextAsync("Alice: Consumption profile assigned to Tiny successfully");

        // Bulk assignment: bob to Pro.
        await admin.GetByLabel("Select Bob").CheckAsync();
        await admin.GetByLabel("Assign the selected users to").SelectOptionAsync(new SelectOptionValue { Label = "Pro" });
        await admin.GetByRole(AriaRole.Button, new() { Name = "Assign selected" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#admin-status")).ToHaveTextAsync("Consumption profile assigned to 1 user(s) successfully");
        await Assertions.Expect(admin.GetByLabel("Consumption profile of Bob").Locator("option:checked")).ToHaveTextAsync("Pro");
        await Assertions.Expect(tinyRow.Locator("td").Nth(7)).ToHaveTextAsync("1");
        await Assertions.Expect(admin.Locator("#audit-table tbody tr").First).ToContainTextAsync("user.bulk_assign");
        await Assertions.Expect(admin.Locator("#audit-table")).ToContainTextAsync("profile.create");
        await ShotAsync(admin, "02-admin-panel-assigned.png");
        await admin.Context.CloseAsync();

        // --- alice: the widget goes from normal to warning to blocked ---
        var user = await SignInAsync("alice", "/index.html");
        var widget = user.Locator("#quota-widget");
        var now = DateTimeOffset.UtcNow;
        var periodText = now.ToString("MMMM yyyy", CultureInfo.GetCultureInfo("en-US"));
        await Assertions.Expect(user.Locator("#quota-period")).ToHaveTextAsync(periodText);
        await Assertions.Expect(user.Locator("#quota-profile")).ToHaveTextAsync("Tiny");
        await Assertions.Expect(widget).ToHaveAttributeAsync("data-state", "ok");
        await Assertions.Expect(user.Locator("#input-text")).ToHaveTextAsync("0 of 1,000 used (0.0 %) · 1,000 remaining");
        await Assertions.Expect(user.Locator("#rate-hour")).ToHaveTextAsync("100");
        await ShotAsync(user, "03-widget-normal.png");

        // 3,232 characters = 808 tokens + 42 of system prompt = 850 input tokens: 85 %.
        await SendAsync(user, new string('a', 3232));
        await Assertions.Expect(user.Locator("#conversation li")).ToHaveCountAsync(1);
        await Assertions.Expect(widget).ToHaveAttributeAsync("data-state", "warning");
        await Assertions.Expect(user.Locator("#quota-alert")).ToHaveTextAsync("Warning: you have used 85.0 % of your monthly input tokens.");
        await Assertions.Expect(user.Locator("#input-meter")).ToHaveAttributeAsync("value", "85");
        await ShotAsync(user, "04-widget-warning.png");

        // 432 characters = 108 + 42 = 150 tokens: exactly the limit, which is allowed, and then nothing is left.
        await SendAsync(user, new string('b', 432));
        await Assertions.Expect(user.Locator("#conversation li")).ToHaveCountAsync(2);
        await Assertions.Expect(widget).ToHaveAttributeAsync("data-state", "blocked");
        var resetDay = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1)
            .ToString("MMMM d, yyyy", CultureInfo.GetCultureInfo("en-US"));
        await Assertions.Expect(user.Locator("#quota-alert")).ToContainTextAsync("Blocked: your monthly input token limit is reached. It resets on " + resetDay);
        await Assertions.Expect(user.Locator("#input-text")).ToHaveTextAsync("1,000 of 1,000 used (100.0 %) · 0 remaining");
        await ShotAsync(user, "05-widget-blocked.png");

        // A refused prompt shows the server's 429 message.
        await SendAsync(user, "One more question, please?");
        await Assertions.Expect(user.Locator("#chat-error")).ToHaveTextAsync("Input token quota exceeded. Limit: 1,000/month, Used: 1,000, Remaining: 0");
        await Assertions.Expect(user.Locator("#conversation li")).ToHaveCountAsync(2);
        await ShotAsync(user, "06-prompt-refused.png");

        // A user cannot open the admin API, nor the metrics.
        var forbidden = await user.APIRequest.GetAsync($"{baseUrl}/api/v1/auth/admin/consumption-profiles");
        Assert.That(forbidden.Status, Is.EqualTo(403));
        Assert.That((await user.APIRequest.GetAsync($"{baseUrl}/api/demo/metrics")).Status, Is.EqualTo(403));
        await user.Context.CloseAsync();

        // --- admin: the metrics section shows the refusal by its binding limit, and the store's time per operation ---
        var metrics = await SignInAsync("admin", "/admin.html");
        var refusals = metrics.Locator("#metrics-table tbody tr", new() { Has = metrics.GetByRole(AriaRole.Rowheader, new() { Name = "tokenquota.refusals ({refusal})" }) });
        await Assertions.Expect(refusals).ToHaveCountAsync(1);
        await Assertions.Expect(refusals.Locator("td").Nth(0)).ToHaveTextAsync("tokenquota.limit.meter=input_tokens, tokenquota.limit.window=month");
        await Assertions.Expect(refusals.Locator("td").Nth(1)).ToHaveTextAsync("1");
        await Assertions.Expect(metrics.Locator("#metrics-table")).ToContainTextAsync("tokenquota.store.duration (s)");
        await ShotAsync(metrics, "07-admin-metrics.png");
        await metrics.Context.CloseAsync();

        // The readiness endpoint answers for the quota store.
        using (var http = new HttpClient())
        {
            Assert.That(await http.GetStringAsync($"{baseUrl}/health"), Is.EqualTo("Healthy"));
        }

        foreach (var name in new[] { "01-admin-panel.png", "02-admin-panel-assigned.png", "03-widget-normal.png", "04-widget-warning.png", "05-widget-blocked.png", "06-prompt-refused.png", "07-admin-metrics.png" })
        {
            var path = Path.Combine(screenshots, name);
            Assert.That(new FileInfo(path).Length, Is.GreaterThan(1000), path);
            TestContext.AddTestAttachment(path, name);
        }
    }

    [Test]
    public async Task AdminTogglesTheEmergencyOverrideAndTheUsersWidgetShowsTheSystemLimitsWithoutARestart()
    {
        var admin = await SignInAsync("admin", "/admin.html");
        var enforced = admin.GetByLabel("Rate limits enforced");
        var emergency = admin.GetByLabel("Emergency override: system defaults for every user");
        await Assertions.Expect(enforced).ToBeCheckedAsync();
        await Assertions.Expect(emergency).Not.ToBeCheckedAsync();

        // Bob's own profile: Free (50/hour), or Pro (200/hour) once the other browser test assigned it.
        var profileLimit = new Regex("^(50|200)$");
        var user = await SignInAsync("bob", "/index.html");
        await Assertions.Expect(user.Locator("#rate-hour")).ToHaveTextAsync(profileLimit);

        await emergency.CheckAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#admin-status")).ToHaveTextAsync("Rate limit settings updated successfully");
        await Assertions.Expect(admin.Locator("#audit-table tbody tr").First).ToContainTextAsync("settings.rate_limits");
        await admin.ReloadAsync();
        await Assertions.Expect(admin.GetByLabel("Emergency override: system defaults for every user")).ToBeCheckedAsync();
        await ShotAsync(admin, "08-admin-rate-limit-settings.png");

        // The system default prompts per hour (100) replaces bob's profile limit at his next status read.
        await user.ReloadAsync();
        await Assertions.Expect(user.Locator("#rate-hour")).ToHaveTextAsync("100");

        // Back to the profiles, so the other tests on this database see the defaults.
        await admin.GetByLabel("Emergency override: system defaults for every user").UncheckAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#admin-status")).ToHaveTextAsync("Rate limit settings updated successfully");
        await user.ReloadAsync();
        await Assertions.Expect(user.Locator("#rate-hour")).ToHaveTextAsync(profileLimit);
        await admin.Context.CloseAsync();
        await user.Context.CloseAsync();
    }

    [Test]
    public async Task ThePagesWorkFromTheKeyboardAndLabelEveryControl()
    {
        var page = await NewPageAsync();
        await page.GotoAsync($"{baseUrl}/signin.html");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("admin");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("wrong");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Invalid user name or password.");
        await page.GetByLabel("Password").FillAsync("demo");
        await page.GetByLabel("Password").PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/admin\.html$"), new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#profiles-table tbody tr").First).ToBeVisibleAsync();

        // Every form control has an accessible name.
        var unlabeled = await page.EvaluateAsync<int>(
            @"() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
                 .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()).length");
        Assert.That(unlabeled, Is.Zero);
        await page.Context.CloseAsync();
    }

    [Test]
    public async Task TheSampleRefusesAProfileForAUserItDoesNotHave()
    {
        var admin = await SignInAsync("admin", "/admin.html");
        var api = admin.Context.APIRequest;

        var unknown = await api.PutAsync($"{baseUrl}/api/v1/auth/admin/users/mallory/consumption-profile", new() { DataObject = new { profile_id = 1 } });
        var body = await unknown.JsonAsync();
        var mallory = await api.GetAsync($"{baseUrl}/api/v1/auth/admin/users/mallory/consumption-profile");
        var effective = (await mallory.JsonAsync())!.Value.GetProperty("user").GetProperty("effective_profile").GetProperty("name").GetString();

        Assert.Multiple(() =>
        {
            Assert.That(unknown.Status, Is.EqualTo(404));
            Assert.That(body!.Value.GetProperty("message").GetString(), Is.EqualTo("User not found"));
            Assert.That(effective, Is.EqualTo("Free"), "nothing was assigned");
        });
        await admin.Context.CloseAsync();
    }

    [Test]
    public async Task TheAdminPanelEditsAProfilesCalendarAndExtraLimitsAndShowsTheServersFieldErrors()
    {
        const string sundayCalendar = "Asia/Kolkata, anchor day 15, weeks from sunday";
        const string saturdayCalendar = "Asia/Kolkata, anchor day 15, weeks from saturday";
        const string bothLimits = """[{"meter":"input_tokens","window":"month","model":"gpt-4o*","amount":5000},{"meter":"total_tokens","window":"minute","amount":20000,"algorithm":"token_bucket"}]""";
        const string bucketOnly = """[{"meter":"total_tokens","window":"minute","amount":20000,"algorithm":"token_bucket"}]""";
        var admin = await SignInAsync("admin", "/admin.html");
        await Assertions.Expect(admin.Locator("#profiles-table tbody tr").First).ToBeVisibleAsync();

        // --- create: a calendar of its own and two extra limits ---
        await admin.GetByLabel("Name", new() { Exact = true }).FillAsync("Metered");
        await admin.GetByLabel("Time zone").FillAsync("Asia/Kolkata");
        await admin.GetByLabel("Anchor day").FillAsync("15");
        await Assertions.Expect(admin.GetByLabel("Week start")).ToHaveValueAsync("monday");
        await admin.GetByLabel("Week start").SelectOptionAsync(new SelectOptionValue { Label = "Sunday" });
        await Assertions.Expect(admin.Locator("#limits-list li")).ToHaveCountAsync(0);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Add limit" }).ClickAsync();
        await admin.GetByLabel("Meter of limit 1").SelectOptionAsync("input_tokens");
        await admin.GetByLabel("Window of limit 1").SelectOptionAsync("month");
        await admin.GetByLabel("Model filter of limit 1").FillAsync("gpt-4o*");
        await admin.GetByLabel("Amount of limit 1").FillAsync("5000");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Add limit" }).ClickAsync();
        await admin.GetByLabel("Meter of limit 2").SelectOptionAsync("total_tokens");
        await admin.GetByLabel("Window of limit 2").SelectOptionAsync("minute");
        await admin.GetByLabel("Amount of limit 2").FillAsync("20000");
        await admin.GetByLabel("Algorithm of limit 2").SelectOptionAsync("token_bucket");

        // The rows' controls are labelled too.
        var unlabeled = await admin.EvaluateAsync<int>(
            @"() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
                 .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()).length");
        Assert.That(unlabeled, Is.Zero);

        await admin.GetByRole(AriaRole.Button, new() { Name = "Create profile" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#admin-status")).ToHaveTextAsync("Consumption profile created successfully");
        await Assertions.Expect(admin.Locator("#limits-list li")).ToHaveCountAsync(0);
        await Assertions.Expect(admin.GetByLabel("Time zone")).ToHaveValueAsync(string.Empty);
        await Assertions.Expect(admin.GetByLabel("Week start")).ToHaveValueAsync("monday");
        var row = admin.Locator("#profiles-table tbody tr", new() { Has = admin.GetByRole(AriaRole.Rowheader, new() { Name = "Metered" }) });
        await ExpectCalendarAndLimitsAsync(row, sundayCalendar, "input_tokens/month=5000@gpt-4o*", "total_tokens/minute:token_bucket=20000");
        var id = await row.GetAttributeAsync("data-profile-id");
        Assert.That(await StoredAsync(admin, id!), Is.EqualTo(("Asia/Kolkata", 15, "sunday", bothLimits)));
        await ShotAsync(admin, "09-admin-profile-limits.png");

        await admin.ReloadAsync();
        await ExpectCalendarAndLimitsAsync(row, sundayCalendar, "input_tokens/month=5000@gpt-4o*", "total_tokens/minute:token_bucket=20000");

        // --- edit: the form loads the calendar and the limits; removing one sends the rest ---
        await admin.GetByRole(AriaRole.Button, new() { Name = "Edit Metered" }).ClickAsync();
        await Assertions.Expect(admin.GetByLabel("Time zone")).ToHaveValueAsync("Asia/Kolkata");
        await Assertions.Expect(admin.GetByLabel("Anchor day")).ToHaveValueAsync("15");
        await Assertions.Expect(admin.GetByLabel("Week start")).ToHaveValueAsync("sunday");
        await Assertions.Expect(admin.Locator("#limits-list li")).ToHaveCountAsync(2);
        await Assertions.Expect(admin.GetByLabel("Meter of limit 1")).ToHaveValueAsync("input_tokens");
        await Assertions.Expect(admin.GetByLabel("Model filter of limit 1")).ToHaveValueAsync("gpt-4o*");
        await Assertions.Expect(admin.GetByLabel("Amount of limit 2")).ToHaveValueAsync("20000");
        await Assertions.Expect(admin.GetByLabel("Algorithm of limit 2")).ToHaveValueAsync("token_bucket");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Remove limit 1", Exact = true }).ClickAsync();
        await Assertions.Expect(admin.Locator("#limits-list li")).ToHaveCountAsync(1);
        await Assertions.Expect(admin.GetByLabel("Meter of limit 1")).ToHaveValueAsync("total_tokens");
        await admin.GetByLabel("Week start").SelectOptionAsync(new SelectOptionValue { Label = "Saturday" });
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#admin-status")).ToHaveTextAsync("Consumption profile updated successfully");
        await ExpectCalendarAndLimitsAsync(row, saturdayCalendar, "total_tokens/minute:token_bucket=20000");
        await Assertions.Expect(row.Locator("td.limits-cell")).Not.ToContainTextAsync("input_tokens");
        Assert.That(await StoredAsync(admin, id!), Is.EqualTo(("Asia/Kolkata", 15, "saturday", bucketOnly)));

        // --- the server's 400 names the field, next to it and in the alert, and nothing changes ---
        await admin.GetByRole(AriaRole.Button, new() { Name = "Edit Metered" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Add limit" }).ClickAsync();
        await admin.GetByLabel("Meter of limit 2").SelectOptionAsync("in_flight");
        await admin.GetByLabel("Window of limit 2").SelectOptionAsync("minute");
        await admin.GetByLabel("Amount of limit 2").FillAsync("4");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#admin-error")).ToHaveTextAsync("limits[1].window: An in_flight limit counts live requests and has no window; remove the window.");
        await Assertions.Expect(admin.Locator("#err-limits-1")).ToHaveTextAsync("window: An in_flight limit counts live requests and has no window; remove the window.");
        await Assertions.Expect(admin.GetByLabel("Window of limit 2")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(admin.Locator("#admin-status")).ToBeEmptyAsync();
        await ShotAsync(admin, "10-admin-profile-limit-error.png");

        await admin.GetByLabel("Window of limit 2").SelectOptionAsync(new SelectOptionValue { Label = "none (in_flight)" });
        await admin.GetByLabel("Time zone").FillAsync("Mars/Olympus");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#admin-error")).ToContainTextAsync("time_zone: Unknown time zone 'Mars/Olympus'");
        await Assertions.Expect(admin.Locator("#err-time_zone")).ToContainTextAsync("Unknown time zone 'Mars/Olympus'");
        await Assertions.Expect(admin.Locator("#err-limits-1")).ToBeEmptyAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Button, new() { Name = "Save changes" })).ToBeVisibleAsync();
        await ExpectCalendarAndLimitsAsync(row, saturdayCalendar, "total_tokens/minute:token_bucket=20000");
        Assert.That(await StoredAsync(admin, id!), Is.EqualTo(("Asia/Kolkata", 15, "saturday", bucketOnly)), "a refused update writes nothing");

        // --- removing every row removes the limits (the panel sends "limits": []), and the calendar stays ---
        await admin.GetByRole(AriaRole.Button, new() { Name = "Cancel editing" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Edit Metered" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#limits-list li")).ToHaveCountAsync(1);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Remove limit 1", Exact = true }).ClickAsync();
        await Assertions.Expect(admin.Locator("#limits-empty")).ToBeVisibleAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#admin-status")).ToHaveTextAsync("Consumption profile updated successfully");
        await Assertions.Expect(row.Locator("td.limits-cell")).ToHaveTextAsync("—");
        await Assertions.Expect(row.Locator("td").Nth(9)).ToHaveTextAsync(saturdayCalendar);
        Assert.That(await StoredAsync(admin, id!), Is.EqualTo(("Asia/Kolkata", 15, "saturday", "[]")));

        // Back to the seed's profiles, so the other tests on this database see their own counts.
        admin.Dialog += (_, dialog) => dialog.AcceptAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Delete Metered" }).ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await admin.Context.CloseAsync();

        foreach (var name in new[] { "09-admin-profile-limits.png", "10-admin-profile-limit-error.png" })
        {
            TestContext.AddTestAttachment(Path.Combine(screenshots, name), name);
        }
    }

    [Test]
    public async Task TheUsersWidgetShowsAnExtraLimitsBarAndItsRefusalNamesTheLimit()
    {
        // The sample's chat passes no model id, so the daily input-token limit (no model filter) binds it; the per-model
        // limit never counts, the unlimited one only counts. Bob gets the profile; his assignment and the profile are
        // undone at the end. The refusal adds a tokenquota.refusals series, which the first test's metrics check
        // would count: this test's name sorts after it.
        const string profileJson = """
            {"name":"Daily","description":"Browser-test extra limits","limits":[
              {"meter":"input_tokens","window":"day","amount":1000},
              {"meter":"total_tokens","window":"minute","model":"gpt-4o*","amount":20000},
              {"meter":"prompts","window":"minute","amount":null},
              {"meter":"in_flight","amount":4}]}
            """;
        var admin = await SignInAsync("admin", "/admin.html");
        var api = admin.Context.APIRequest;
        var users = (await (await api.GetAsync($"{baseUrl}/api/demo/users")).JsonAsync())!.Value.GetProperty("users");
        var bobs = users.EnumerateArray().Single(u => u.GetProperty("user_id").GetString() == "bob").GetProperty("consumption_profile_id");
        var bobsProfile = bobs.ValueKind == JsonValueKind.Null ? "null" : bobs.GetInt64().ToString(CultureInfo.InvariantCulture);
        var created = await api.PostAsync($"{baseUrl}/api/v1/auth/admin/consumption-profiles", Json(profileJson));
        Assert.That(created.Status, Is.EqualTo(201), await created.TextAsync());
        var id = (await created.JsonAsync())!.Value.GetProperty("profile").GetProperty("id").GetInt64();
        int restored, deleted;
        try
        {
            var assigned = await api.PutAsync($"{baseUrl}/api/v1/auth/admin/users/bob/consumption-profile", Json($$"""{"profile_id":{{id}}}"""));
            Assert.That(assigned.Status, Is.EqualTo(200), await assigned.TextAsync());

            // --- bob: one bar per extra limit, below the monthly bars, all at 0 ---
            var user = await SignInAsync("bob", "/index.html");
            var widget = user.Locator("#quota-widget");
            var bars = user.Locator("#extra-limits li");
            var daily = user.GetByLabel("Input tokens per day", new() { Exact = true });
            var dailyText = user.Locator("#extra-limit-1-text");
            var tomorrow = DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(1).ToString("MMMM d, yyyy", CultureInfo.GetCultureInfo("en-US"));
            await Assertions.Expect(user.Locator("#quota-profile")).ToHaveTextAsync("Daily");
            await Assertions.Expect(bars).ToHaveCountAsync(4);
            await Assertions.Expect(bars.Locator("label")).ToHaveTextAsync(["Input tokens per day", "Total tokens per minute · gpt-4o*", "Prompts per minute", "Concurrent requests"]);
            await Assertions.Expect(dailyText).ToHaveTextAsync(new Regex($"^0 of 1,000 used \\(0\\.0 %\\) · 1,000 remaining · resets on {tomorrow}.* UTC$"));
            await Assertions.Expect(daily).ToHaveAttributeAsync("value", "0");
            await Assertions.Expect(daily).ToHaveAttributeAsync("aria-valuetext", "0.0 percent used");
            await Assertions.Expect(bars.Nth(0)).ToHaveAttributeAsync("data-state", "ok");
            await Assertions.Expect(user.Locator("#extra-limit-2-text")).ToHaveTextAsync(new Regex("^0 of 20,000 used \\(0\\.0 %\\) · 20,000 remaining · resets \\d{2}:\\d{2} UTC$"));
            await Assertions.Expect(user.Locator("#extra-limit-3-text")).ToHaveTextAsync("0 used · Unlimited");
            await Assertions.Expect(user.Locator("#extra-limit-4-text")).ToHaveTextAsync("0 of 4 used (0.0 %) · 4 remaining");
            await Assertions.Expect(widget).ToHaveAttributeAsync("data-state", "ok");
            await ShotAsync(user, "11-widget-extra-limits.png");

            // 3,232 characters = 808 + 42 = 850 input tokens: 85 % of the day's 1,000, one prompt counted.
            await SendAsync(user, new string('a', 3232));
            await Assertions.Expect(user.Locator("#conversation li")).ToHaveCountAsync(1);
            await Assertions.Expect(dailyText).ToHaveTextAsync(new Regex($"^850 of 1,000 used \\(85\\.0 %\\) · 150 remaining · resets on {tomorrow}.* UTC$"));
            await Assertions.Expect(daily).ToHaveAttributeAsync("value", "85");
            await Assertions.Expect(bars.Nth(0)).ToHaveAttributeAsync("data-state", "warning");
            await Assertions.Expect(bars.Nth(1)).ToHaveAttributeAsync("data-state", "ok");
            await Assertions.Expect(user.Locator("#extra-limit-2-text")).ToContainTextAsync("0 of 20,000 used");
            await Assertions.Expect(user.Locator("#extra-limit-3-text")).ToHaveTextAsync("1 used · Unlimited");
            await Assertions.Expect(widget).ToHaveAttributeAsync("data-state", "warning");
            await Assertions.Expect(user.Locator("#quota-alert")).ToHaveTextAsync("Warning: you have used 85.0 % of your input tokens per day limit.");
            await ShotAsync(user, "12-widget-extra-limit-warning.png");

            // 1,032 characters = 258 + 42 = 300 tokens: more than the 150 left, refused by the daily limit, which charges nothing.
            await SendAsync(user, new string('c', 1032));
            await Assertions.Expect(user.Locator("#chat-error")).ToHaveTextAsync("Daily input token quota exceeded. Limit: 1,000, used: 850, requested: 300.");
            await Assertions.Expect(user.Locator("#conversation li")).ToHaveCountAsync(1);
            await Assertions.Expect(dailyText).ToContainTextAsync("850 of 1,000 used (85.0 %) · 150 remaining");
            await Assertions.Expect(user.Locator("#extra-limit-3-text")).ToHaveTextAsync("1 used · Unlimited");
            await ShotAsync(user, "13-prompt-refused-by-extra-limit.png");

            // 432 characters = 108 + 42 = 150 tokens: exactly what is left, allowed, and the bar is blocked.
            await SendAsync(user, new string('b', 432));
            await Assertions.Expect(user.Locator("#conversation li")).ToHaveCountAsync(2);
            await Assertions.Expect(user.Locator("#chat-error")).ToBeEmptyAsync();
            await Assertions.Expect(dailyText).ToContainTextAsync("1,000 of 1,000 used (100.0 %) · 0 remaining · resets on " + tomorrow);
            await Assertions.Expect(daily).ToHaveAttributeAsync("value", "100");
            await Assertions.Expect(bars.Nth(0)).ToHaveAttributeAsync("data-state", "blocked");
            await Assertions.Expect(widget).ToHaveAttributeAsync("data-state", "blocked");
            await Assertions.Expect(user.Locator("#quota-alert")).ToContainTextAsync("Blocked: your input tokens per day limit is reached. It resets on " + tomorrow);
            await Assertions.Expect(user.Locator("#extra-limit-4-text")).ToHaveTextAsync("0 of 4 used (0.0 %) · 4 remaining");
            await ShotAsync(user, "14-widget-extra-limit-blocked.png");

            await SendAsync(user, "One more question, please?");
            await Assertions.Expect(user.Locator("#chat-error")).ToHaveTextAsync("Daily input token quota exceeded. Limit: 1,000, used: 1,000, requested: 49.");
            await Assertions.Expect(user.Locator("#conversation li")).ToHaveCountAsync(2);
            await user.Context.CloseAsync();
        }
        finally
        {
            // Back to the seed's profiles and bob's own assignment, so the other tests on this database see their counts.
            restored = (await api.PutAsync($"{baseUrl}/api/v1/auth/admin/users/bob/consumption-profile", Json($$"""{"profile_id":{{bobsProfile}}}"""))).Status;
            deleted = (await api.DeleteAsync($"{baseUrl}/api/v1/auth/admin/consumption-profiles/{id}")).Status;
            await admin.Context.CloseAsync();
        }

        Assert.Multiple(() =>
        {
            Assert.That(restored, Is.EqualTo(200), "bob's assignment restored");
            Assert.That(deleted, Is.EqualTo(200), "the profile deleted");
        });

        foreach (var name in new[] { "11-widget-extra-limits.png", "12-widget-extra-limit-warning.png", "13-prompt-refused-by-extra-limit.png", "14-widget-extra-limit-blocked.png" })
        {
            var path = Path.Combine(screenshots, name);
            Assert.That(new FileInfo(path).Length, Is.GreaterThan(1000), path);
            TestContext.AddTestAttachment(path, name);
        }
    }

    [Test]
    public async Task TheAdminPanelSetsAModelPriceListsItAndShowsTheServersFieldErrorsAndTypesCostLimitsInTheCurrency()
    {
        var admin = await SignInAsync("admin", "/admin.html");
        var api = admin.Context.APIRequest;
        admin.Dialog += (_, dialog) => dialog.AcceptAsync();
        await Assertions.Expect(admin.Locator("#prices-currency")).ToHaveTextAsync("USD");
        await Assertions.Expect(admin.Locator("#prices-empty")).ToBeVisibleAsync();

        // --- a bad price: the server's 400 is shown next to its field, and nothing is stored ---
        await admin.GetByLabel("Model", new() { Exact = true }).FillAsync("gpt-4o-browser");
        await admin.GetByLabel("Input per million tokens", new() { Exact = true }).FillAsync("2.50");
        await admin.GetByLabel("Output per million tokens", new() { Exact = true }).FillAsync("ten");
        await admin.GetByLabel("Effective from").FillAsync("2026-02-30");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save price" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#err-output_per_million")).ToHaveTextAsync("output_per_million 'ten' is not a number; write a price per million tokens such as 0.15.");
        await Assertions.Expect(admin.Locator("#err-effective_from")).ToContainTextAsync("'2026-02-30' is not an instant");
        await Assertions.Expect(admin.Locator("#admin-error")).ToContainTextAsync("output_per_million: output_per_million 'ten' is not a number");
        await Assertions.Expect(admin.Locator("#prices-table tbody tr")).ToHaveCountAsync(0);
        await ShotAsync(admin, "15-admin-price-error.png");

        // --- fixed: stored, listed in the currency, and the form is cleared ---
        await admin.GetByLabel("Output per million tokens", new() { Exact = true }).FillAsync("10");
        await admin.GetByLabel("Cached input per million tokens (empty = as input)").FillAsync("1.25");
        await admin.GetByLabel("Effective from").FillAsync("2026-01-01T00:00:00Z");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save price" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#admin-status")).ToHaveTextAsync("Model price set successfully");
        var row = admin.Locator("#prices-table tbody tr", new() { Has = admin.GetByRole(AriaRole.Rowheader, new() { Name = "gpt-4o-browser" }) });
        await Assertions.Expect(row.Locator("td")).ToHaveTextAsync([new Regex("^January 1, 2026"), new Regex("^\\$2\\.50$"), new Regex("^\\$1\\.25$"), new Regex("^\\$10\\.00$"), new Regex("^as output$"), new Regex("Edit")]);
        await Assertions.Expect(admin.GetByLabel("Model", new() { Exact = true })).ToHaveValueAsync(string.Empty);
        await Assertions.Expect(admin.Locator("#err-output_per_million")).ToBeEmptyAsync();
        await Assertions.Expect(admin.Locator("#audit-table tbody tr").First).ToContainTextAsync("price.set");
        await ShotAsync(admin, "16-admin-prices.png");

        // --- edit: the form loads the price; saving the same model and instant replaces it ---
        await admin.GetByRole(AriaRole.Button, new() { Name = "Edit the price of gpt-4o-browser" }).ClickAsync();
        await Assertions.Expect(admin.GetByLabel("Input per million tokens", new() { Exact = true })).ToHaveValueAsync("2.5");
        await Assertions.Expect(admin.GetByLabel("Effective from")).ToHaveValueAsync("2026-01-01T00:00:00.000Z");
        await admin.GetByLabel("Input per million tokens", new() { Exact = true }).FillAsync("2");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save price" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#admin-status")).ToHaveTextAsync("Model price set successfully");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("$2.00");
        var listed = (await (await api.GetAsync($"{baseUrl}/api/v1/auth/admin/model-prices")).JsonAsync())!.Value.GetProperty("prices");
        Assert.That(listed.EnumerateArray().Single(p => p.GetProperty("model").GetString() == "gpt-4o-browser").ToString(), Is.EqualTo(
            """{"model":"gpt-4o-browser","effective_from":"2026-01-01T00:00:00.000Z","input_per_million":2,"cached_input_per_million":1.25,"output_per_million":10,"reasoning_per_million":null}"""));

        // --- the profile editor: a cost limit's amount is typed in the currency and stored in nano-units ---
        await admin.GetByLabel("Name", new() { Exact = true }).FillAsync("Costly");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Add limit" }).ClickAsync();
        await admin.GetByLabel("Meter of limit 1").SelectOptionAsync("cost");
        await admin.GetByLabel("Window of limit 1").SelectOptionAsync("month");
        await admin.GetByLabel("Model filter of limit 1").FillAsync("gpt-4o*");
        await admin.GetByLabel("Amount of limit 1").FillAsync("25.5.0");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create profile" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#err-limits-0")).ToHaveTextAsync("amount: an amount of USD such as 25.50 (at most 9 decimals), or empty for unlimited.");
        await admin.GetByLabel("Amount of limit 1").FillAsync("25.50");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create profile" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#admin-status")).ToHaveTextAsync("Consumption profile created successfully");
        var profile = admin.Locator("#profiles-table tbody tr", new() { Has = admin.GetByRole(AriaRole.Rowheader, new() { Name = "Costly" }) });
        await Assertions.Expect(profile.Locator("td.limits-cell li")).ToHaveTextAsync(["cost/month=$25.50@gpt-4o*"]);
        var id = await profile.GetAttributeAsync("data-profile-id");
        Assert.That((await StoredAsync(admin, id!)).Limits, Is.EqualTo("""[{"meter":"cost","window":"month","model":"gpt-4o*","amount":25500000000}]"""));
        await admin.GetByRole(AriaRole.Button, new() { Name = "Edit Costly" }).ClickAsync();
        await Assertions.Expect(admin.GetByLabel("Amount of limit 1")).ToHaveValueAsync("25.5");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Cancel editing" }).Last.ClickAsync();
        await ShotAsync(admin, "17-admin-cost-limit.png");

        // --- remove: the price goes, and the catalogue is empty again for the other tests ---
        await admin.GetByRole(AriaRole.Button, new() { Name = "Remove the price of gpt-4o-browser" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#admin-status")).ToHaveTextAsync("Model price removed successfully");
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await Assertions.Expect(admin.Locator("#prices-empty")).ToBeVisibleAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Delete Costly" }).ClickAsync();
        await Assertions.Expect(profile).ToHaveCountAsync(0);
        await admin.Context.CloseAsync();

        foreach (var name in new[] { "15-admin-price-error.png", "16-admin-prices.png", "17-admin-cost-limit.png" })
        {
            TestContext.AddTestAttachment(Path.Combine(screenshots, name), name);
        }
    }

    [Test]
    public async Task TheUsersWidgetShowsACostLimitsBarInTheCurrency()
    {
        // The admin account is the widget's user here: the other tests' users keep their usage.
        var admin = await SignInAsync("admin", "/admin.html");
        var api = admin.Context.APIRequest;
        var price = await api.PostAsync($"{baseUrl}/api/v1/auth/admin/model-prices", Json("""{"model":"gpt-4o","input_per_million":"2.50","output_per_million":"10"}"""));
        Assert.That(price.Status, Is.EqualTo(200), await price.TextAsync());
        var created = await api.PostAsync($"{baseUrl}/api/v1/auth/admin/consumption-profiles", Json(
            """{"name":"Budget","limits":[{"meter":"cost","window":"month","model":"gpt-4o*","amount":25000000000}]}"""));
        Assert.That(created.Status, Is.EqualTo(201), await created.TextAsync());
        var id = (await created.JsonAsync())!.Value.GetProperty("profile").GetProperty("id").GetInt64();
        int restored, deleted, removed;
        try
        {
            var assigned = await api.PutAsync($"{baseUrl}/api/v1/auth/admin/users/admin/consumption-profile", Json($$"""{"profile_id":{{id}}}"""));
            Assert.That(assigned.Status, Is.EqualTo(200), await assigned.TextAsync());

            // 1,000,000 input and 175,000 output tokens of gpt-4o: $2.50 + $1.75 = $4.25.
            await app.Services.GetRequiredService<ITokenQuotaChecker>().RecordForModelAsync("admin", 1_000_000, 175_000, "gpt-4o");

            var user = admin;
            await user.GotoAsync($"{baseUrl}/index.html");
            var bar = user.Locator("#extra-limits li");
            await Assertions.Expect(user.Locator("#quota-profile")).ToHaveTextAsync("Budget");
            await Assertions.Expect(bar).ToHaveCountAsync(1);
            await Assertions.Expect(bar.Locator("label")).ToHaveTextAsync("Cost per month · gpt-4o*");
            await Assertions.Expect(user.Locator("#extra-limit-1-text")).ToHaveTextAsync(new Regex("^\\$4\\.25 of \\$25\\.00 used \\(17\\.0 %\\) · \\$20\\.75 remaining · resets on .* UTC$"));
            await Assertions.Expect(user.GetByLabel("Cost per month · gpt-4o*")).ToHaveAttributeAsync("value", "17");
            await Assertions.Expect(bar.Nth(0)).ToHaveAttributeAsync("data-state", "ok");
            await ShotAsync(user, "18-widget-cost-limit.png");
        }
        finally
        {
            restored = (await api.PutAsync($"{baseUrl}/api/v1/auth/admin/users/admin/consumption-profile", Json("""{"profile_id":null}"""))).Status;
            deleted = (await api.DeleteAsync($"{baseUrl}/api/v1/auth/admin/consumption-profiles/{id}")).Status;
            removed = (await api.DeleteAsync($"{baseUrl}/api/v1/auth/admin/model-prices?model=gpt-4o")).Status;
            await admin.Context.CloseAsync();
        }

        Assert.Multiple(() =>
        {
            Assert.That(restored, Is.EqualTo(200), "the admin's assignment restored");
            Assert.That(deleted, Is.EqualTo(200), "the profile deleted");
            Assert.That(removed, Is.EqualTo(200), "the price removed");
        });
        TestContext.AddTestAttachment(Path.Combine(screenshots, "18-widget-cost-limit.png"), "18-widget-cost-limit.png");
    }

    [Test]
    public async Task TheAdminPanelShowsTheUsageByModelWithItsCostPerModelAndPerUserAndLinksItsCsv()
    {
        // A model of this test alone, on the admin account: the other tests' usage and widgets stay as they were.
        const string Model = "panel-report-model";
        var admin = await SignInAsync("admin", "/admin.html");
        var api = admin.Context.APIRequest;
        var price = await api.PostAsync($"{baseUrl}/api/v1/auth/admin/model-prices", Json($$"""{"model":"{{Model}}","input_per_million":"2.50","output_per_million":"10"}"""));
        Assert.That(price.Status, Is.EqualTo(200), await price.TextAsync());
        int removed;
        try
        {
            // 1,000,000 input tokens (200,000 of them cached, priced as input) and 175,000 output tokens: $2.50 + $1.75 = $4.25.
            await app.Services.GetRequiredService<ITokenQuotaChecker>().RecordCallAsync(
                "admin", new CallUsage { ModelId = Model, InputTokens = 1_000_000, CachedInputTokens = 200_000, OutputTokens = 175_000 });
            var period = DateTimeOffset.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture);

            await admin.ReloadAsync();
            await Assertions.Expect(admin.GetByLabel("Month", new() { Exact = true })).ToHaveValueAsync(period);
            var totalRow = admin.Locator("#usage-models-table tbody tr", new() { Has = admin.GetByRole(AriaRole.Rowheader, new() { Name = Model }) });
            await Assertions.Expect(totalRow.Locator("td")).ToHaveTextAsync(["1", "1,000,000", "200,000", "175,000", "0", "$4.25"]);
            await Assertions.Expect(admin.Locator("#usage-user-part")).ToBeHiddenAsync();
            await Assertions.Expect(admin.GetByRole(AriaRole.Link, new() { Name = $"Download CSV of the usage by user and model, {period}" })).ToHaveAttributeAsync(
                "href", $"/api/v1/auth/admin/usage/models.csv?period={period}");

            await admin.GetByLabel("User", new() { Exact = true }).SelectOptionAsync("admin");
            var userRow = admin.Locator("#usage-user-table tbody tr", new() { Has = admin.GetByRole(AriaRole.Rowheader, new() { Name = Model }) });
            await Assertions.Expect(admin.Locator("#usage-user-title")).ToHaveTextAsync("Per model, admin");
            await Assertions.Expect(userRow.Locator("td").Last).ToHaveTextAsync("$4.25");
            var link = admin.GetByRole(AriaRole.Link, new() { Name = "Download CSV" });
            await Assertions.Expect(link).ToHaveAttributeAsync("href", $"/api/v1/auth/admin/usage/models.csv?period={period}&user_id=admin");
            await ShotAsync(admin, "19-admin-usage-by-model.png");

            // The link downloads the admin's rows as CSV, cost as the plain amount.
            var download = await admin.RunAndWaitForDownloadAsync(() => link.ClickAsync());
            var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
            Assert.Multiple(() =>
            {
                Assert.That(download.SuggestedFilename, Is.EqualTo($"model-usage-{period}-user.csv"));
                Assert.That(csv, Does.StartWith("user_id,period,model,calls,input_tokens,cached_input_tokens,output_tokens,reasoning_tokens,cost\r\n"));
                Assert.That(csv, Does.Contain($"admin,{period},{Model},1,1000000,200000,175000,0,4.25\r\n"));
            });
        }
        finally
        {
            removed = (await api.DeleteAsync($"{baseUrl}/api/v1/auth/admin/model-prices?model={Model}")).Status;
            await admin.Context.CloseAsync();
        }

        Assert.That(removed, Is.EqualTo(200), "the price removed");
        TestContext.AddTestAttachment(Path.Combine(screenshots, "19-admin-usage-by-model.png"), "19-admin-usage-by-model.png");
    }

    private static APIRequestContextOptions Json(string json) =>
        new() { DataString = json, Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" } };

    private static async Task ExpectCalendarAndLimitsAsync(ILocator row, string calendar, params string[] limits)
    {
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("td").Nth(3)).ToHaveTextAsync("Unlimited");
        await Assertions.Expect(row.Locator("td").Nth(9)).ToHaveTextAsync(calendar);
        await Assertions.Expect(row.Locator("td.limits-cell li")).ToHaveTextAsync(limits);
    }

    /// <summary>The profile as the HTTP API answers it: its calendar and its limits' JSON.</summary>
    private async Task<(string? TimeZone, int AnchorDay, string? WeekStart, string Limits)> StoredAsync(IPage page, string id)
    {
        var response = await page.Context.APIRequest.GetAsync($"{baseUrl}/api/v1/auth/admin/consumption-profiles/{id}");
        Assert.That(response.Status, Is.EqualTo(200));
        var profile = (await response.JsonAsync())!.Value.GetProperty("profile");
        return (profile.GetProperty("time_zone").GetString(), profile.GetProperty("anchor_day").GetInt32(), profile.GetProperty("week_start").GetString(), profile.GetProperty("limits").ToString());
    }

    private async Task<IPage> NewPageAsync()
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return page;
    }

    private async Task<IPage> SignInAsync(string user, string landing)
    {
        var page = await NewPageAsync();
        await page.GotoAsync($"{baseUrl}/signin.html");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync("demo");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(landing) + "$"), new() { Timeout = 30_000 });
        return page;
    }

    private static async Task SendAsync(IPage page, string prompt)
    {
        await page.GetByLabel("Prompt", new() { Exact = true }).FillAsync(prompt);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Send" })).ToBeEnabledAsync();
    }

    private Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, name), FullPage = true });
}
