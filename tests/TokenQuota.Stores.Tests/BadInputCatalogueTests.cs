using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Stores.Tests;

/// <summary>
/// Issue 4 §4: the bad-input catalogue. One entry per bad input across the public API (checker, reservations, rate
/// limits, profile administration, reports), each with its expected exception type or outcome, and each proving the
/// store did not change: a snapshot of every row of every table before and after must be equal (the two entries that
/// store SQL-injection-looking text verbatim may only add their own rows).
/// </summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class BadInputCatalogueTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    private const string Existing = "existing-user";
    private const string NearMax = "near-max-user";
    private const long NearMaxUsed = long.MaxValue - 1_000;

    private static readonly (string Name, string? Id, Type Throws)[] BadUserIds =
    [
        ("null", null, typeof(ArgumentNullException)),
        ("empty", string.Empty, typeof(ArgumentException)),
        ("whitespace", " \t ", typeof(ArgumentException)),
        ("129 characters", new string('u', 129), typeof(ArgumentException)),
        ("control character", "user\n1", typeof(ArgumentException)),
    ];

    private static readonly (string Name, Func<Context, string, Task> Call, bool InList)[] UserIdEntryPoints =
    [
        ("CheckAsync", async (c, id) => await c.Checker.CheckAsync(id, 1, 1), false),
        ("RecordAsync", async (c, id) => await c.Checker.RecordAsync(id, 1, 1), false),
        ("GetStatusAsync", async (c, id) => await c.Checker.GetStatusAsync(id), false),
        ("ReserveAsync", async (c, id) => await c.Checker.ReserveAsync(id, 1, 1), false),
        ("AcquirePromptAsync", async (c, id) => await c.Rates.AcquirePromptAsync(id), false),
        ("AcquireConfigChangeAsync", async (c, id) => await c.Rates.AcquireConfigChangeAsync(id), false),
        ("AssignAsync", async (c, id) => await c.Profiles.AssignAsync(id, c.TeamId), false),
        ("GetEffectiveProfileAsync", async (c, id) => await c.Profiles.GetEffectiveProfileAsync(id), false),
        ("GetUserHistoryAsync", async (c, id) => await c.Reports.GetUserHistoryAsync(id), false),
        ("AssignManyAsync", async (c, id) => await c.Profiles.AssignManyAsync(["fine-user", id], c.TeamId), true),
        ("AssignProfileToUnassignedUsersAsync", async (c, id) => await c.Profiles.AssignProfileToUnassignedUsersAsync("Unlimited", makeDefault: true, ["fine-user", id]), true),
    ];

    /// <summary>The catalogue: each entry is one distinct bad input.</summary>
    public static IEnumerable<TestCaseData> Catalogue()
    {
        // Ids: every bad user id on every entry point that takes one.
        foreach (var (entry, call, inList) in UserIdEntryPoints)
        {
            foreach (var (name, id, throws) in BadUserIds)
            {
                yield return Entry($"user id {name} -> {entry}", c => call(c, id!), inList ? typeof(ArgumentException) : throws);
            }
        }

        // Numbers.
        yield return Entry("negative input tokens -> CheckAsync", c => c.Checker.CheckAsync(Existing, -1, 0).AsTask(), typeof(ArgumentOutOfRangeException));
        yield return Entry("negative output tokens -> RecordAsync", c => c.Checker.RecordAsync(Existing, 0, -1).AsTask(), typeof(ArgumentOutOfRangeException));
        yield return Entry("negative estimate -> ReserveAsync", c => c.Checker.ReserveAsync(Existing, -5, 0).AsTask(), typeof(ArgumentOutOfRangeException));
        yield return Entry("long.MinValue tokens -> RecordAsync", c => c.Checker.RecordAsync(Existing, long.MinValue, 0).AsTask(), typeof(ArgumentOutOfRangeException));
        yield return Entry("long.MaxValue input tokens -> RecordAsync", c => c.Checker.RecordAsync(Existing, long.MaxValue, 0).AsTask(), typeof(ArgumentOutOfRangeException));
        yield return Entry("long.MaxValue output tokens -> CheckAsync", c => c.Checker.CheckAsync(Existing, 0, long.MaxValue).AsTask(), typeof(ArgumentOutOfRangeException));
        yield return Entry("long.MaxValue estimate -> ReserveAsync", c => c.Checker.ReserveAsync(Existing, 0, long.MaxValue).AsTask(), typeof(ArgumentOutOfRangeException));
        yield return Entry("MaxPerCall + 1 tokens -> RecordAsync", c => c.Checker.RecordAsync(Existing, TokenCounts.MaxPerCall + 1, 0).AsTask(), typeof(ArgumentOutOfRangeException));
        yield return Entry("record overflowing the stored 64-bit total", c => c.Checker.RecordAsync(NearMax, TokenCounts.MaxPerCall, 0).AsTask(), typeof(ArgumentOutOfRangeException));
        yield return Entry(
            "check that would overflow used + requested is denied, not thrown",
            async c => c.Result = await c.Checker.CheckAsync(NearMax, TokenCounts.MaxPerCall, 0),
            outcome: c => Assert.That(((QuotaCheckResult)c.Result!).IsAllowed, Is.False));
        yield return Entry(
            "reserve that would overflow used + reserved + requested is denied, not thrown",
            async c => c.Result = await c.Checker.ReserveAsync(NearMax, TokenCounts.MaxPerCall, 0),
            outcome: c => Assert.That(((QuotaReservationResult)c.Result!).IsAllowed, Is.False));
        yield return Entry(
            "commit overflowing the stored 64-bit total",
            c => c.Held!.CommitAsync(TokenCounts.MaxPerCall, 0).AsTask(),
            typeof(ArgumentOutOfRangeException),
            arrange: async c =>
            {
                c.Held = (await c.Checker.ReserveAsync("unlimited-user", 10, 10)).Reservation;
                c.Execute($"INSERT INTO user_token_usage (user_id, period, input_tokens_used, output_tokens_used, total_tokens_used, first_usage_at, last_usage_at) VALUES ('unlimited-user', '2025-12', {NearMaxUsed}, 0, {NearMaxUsed}, 0, 0);");
            },
            outcome: c => Assert.That(c.Held!.State, Is.EqualTo(QuotaReservationState.Held), "the failed commit leaves the reservation held"));
        yield return Entry("negative actual tokens -> CommitAsync", c => c.Held!.CommitAsync(-1, 0).AsTask(), typeof(ArgumentOutOfRangeException), arrange: HoldAsync);
        yield return Entry("long.MaxValue actual tokens -> CommitAsync", c => c.Held!.CommitAsync(0, long.MaxValue).AsTask(), typeof(ArgumentOutOfRangeException), arrange: HoldAsync);

        // Reservations.
        yield return Entry("zero TTL", c => Reserve(c, new QuotaReservationOptions { Ttl = TimeSpan.Zero }), typeof(ArgumentOutOfRangeException));
        yield return Entry("negative TTL", c => Reserve(c, new QuotaReservationOptions { Ttl = TimeSpan.FromSeconds(-1) }), typeof(ArgumentOutOfRangeException));
        yield return Entry("TTL over 24 hours", c => Reserve(c, new QuotaReservationOptions { Ttl = QuotaReservationOptions.MaxTtl + TimeSpan.FromTicks(1) }), typeof(ArgumentOutOfRangeException));
        yield return Entry("TimeSpan.MaxValue TTL", c => Reserve(c, new QuotaReservationOptions { Ttl = TimeSpan.MaxValue }), typeof(ArgumentOutOfRangeException));
        yield return Entry("empty request id", c => Reserve(c, new QuotaReservationOptions { RequestId = string.Empty }), typeof(ArgumentException));
        yield return Entry("whitespace request id", c => Reserve(c, new QuotaReservationOptions { RequestId = "   " }), typeof(ArgumentException));
        yield return Entry("129-character request id", c => Reserve(c, new QuotaReservationOptions { RequestId = new string('r', 129) }), typeof(ArgumentException));
        yield return Entry("control character in request id", c => Reserve(c, new QuotaReservationOptions { RequestId = "req\u00071" }), typeof(ArgumentException));
        yield return Entry("request id already in use", c => Reserve(c, new QuotaReservationOptions { RequestId = "req-held" }), typeof(DuplicateRequestIdException), arrange: HoldAsync);
        yield return Entry(
            "commit after release",
            c => c.Held!.CommitAsync(1, 1).AsTask(),
            typeof(InvalidOperationException),
            arrange: async c =>
            {
                await HoldAsync(c);
                await c.Held!.ReleaseAsync();
            });
        yield return Entry(
            "double dispose is a no-op",
            c => c.Held!.DisposeAsync().AsTask(),
            arrange: async c =>
            {
                await HoldAsync(c);
                await c.Held!.DisposeAsync();
            },
            outcome: c => Assert.That(c.Held!.State, Is.EqualTo(QuotaReservationState.Released)));
        yield return Entry(
            "release after commit is a no-op",
            c => c.Held!.ReleaseAsync().AsTask(),
            arrange: async c =>
            {
                await HoldAsync(c);
                await c.Held!.CommitAsync(5, 5);
            },
            outcome: c => Assert.That(c.Held!.State, Is.EqualTo(QuotaReservationState.Committed)));
        yield return Entry(
            "second commit counts nothing",
            async c => c.Result = await c.Held!.CommitAsync(5, 5),
            arrange: async c =>
            {
                await HoldAsync(c);
                await c.Held!.CommitAsync(5, 5);
            },
            outcome: c => Assert.That(c.Result, Is.EqualTo(ReservationCommitOutcome.AlreadyCommitted)));

        // A cancelled token.
        yield return Entry("cancelled token -> CheckAsync", c => c.Checker.CheckAsync(Existing, 1, 1, Cancelled()).AsTask(), typeof(OperationCanceledException), exact: false);
        yield return Entry("cancelled token -> RecordAsync", c => c.Checker.RecordAsync(Existing, 1, 1, Cancelled()).AsTask(), typeof(OperationCanceledException), exact: false);
        yield return Entry("cancelled token -> ReserveAsync", c => c.Checker.ReserveAsync(Existing, 1, 1, cancellationToken: Cancelled()).AsTask(), typeof(OperationCanceledException), exact: false);
        yield return Entry("cancelled token -> AcquirePromptAsync", c => c.Rates.AcquirePromptAsync(Existing, Cancelled()).AsTask(), typeof(OperationCanceledException), exact: false);
        yield return Entry("cancelled token -> CreateAsync", c => c.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Never" }, cancellationToken: Cancelled()), typeof(OperationCanceledException), exact: false);
        yield return Entry("cancelled token -> CommitAsync", c => c.Held!.CommitAsync(1, 1, Cancelled()).AsTask(), typeof(OperationCanceledException), exact: false, arrange: HoldAsync);

        // Profiles: invalid payloads, unknown ids, refused operations.
        // Extra limits and calendars (issue 14): each refused naming its field, nothing written.
        foreach (var (name, text) in new[]
        {
            ("unknown meter", "tokens/minute=10"),
            ("unknown window", "total_tokens/fortnight=10"),
            ("negative amount", "total_tokens/minute=-1"),
            ("in_flight limit with a window", "in_flight/minute=2"),
            ("token limit without a window", "total_tokens=10"),
            ("empty model filter", "total_tokens/minute=10@"),
            ("token bucket on a month", "input_tokens/month:token_bucket=10"),
            ("cost amount with ten decimals", "cost/month=1.0000000001"),
            ("cost amount not a number", "cost/month=ten"),
            ("cost amount above 64 bits of nano-units", "cost/month=9223372037"),
        })
        {
            yield return Entry($"limit: {name}", _ => Task.FromResult(QuotaLimit.Parse(text)), typeof(FormatException));
        }

        yield return Entry("two identical limits in one profile", c => Create(c, new NewConsumptionProfile { Name = "Twice", Limits = [QuotaLimit.Parse("total_tokens/minute=10"), QuotaLimit.Parse("total_tokens/minute=20")] }), typeof(ConsumptionProfileValidationException));
        yield return Entry("a limit repeating a standard one", c => Create(c, new NewConsumptionProfile { Name = "Standard", Limits = [QuotaLimit.Parse("prompts/hour=10")] }), typeof(ConsumptionProfileValidationException));
        yield return Entry("invalid time zone", c => Create(c, new NewConsumptionProfile { Name = "Mars", TimeZone = "Mars/Olympus" }), typeof(ConsumptionProfileValidationException));
        yield return Entry("anchor day 0", c => Create(c, new NewConsumptionProfile { Name = "Anchor0", AnchorDay = 0 }), typeof(ConsumptionProfileValidationException));
        yield return Entry("anchor day 32", c => c.Profiles.UpdateAsync(c.TeamId, new ConsumptionProfileUpdate { AnchorDay = 32 }), typeof(ConsumptionProfileValidationException));
        yield return Entry("week start 9", c => Create(c, new NewConsumptionProfile { Name = "Week9", WeekStart = (DayOfWeek)9 }), typeof(ConsumptionProfileValidationException));
        yield return Entry("week start -1 in an update", c => c.Profiles.UpdateAsync(c.TeamId, new ConsumptionProfileUpdate { WeekStart = (DayOfWeek)(-1) }), typeof(ConsumptionProfileValidationException));
        yield return Entry("week start 7 -> QuotaCalendar", _ => Task.FromResult(new QuotaCalendar("UTC", 1, (DayOfWeek)7)), typeof(ArgumentOutOfRangeException));
        yield return Entry("week start \"funday\" in a profile's JSON", _ => Task.FromResult(System.Text.Json.JsonSerializer.Deserialize<ConsumptionProfile>("""{"name": "Funday", "week_start": "funday"}""")), typeof(System.Text.Json.JsonException));
        yield return Entry("week start 9 in a profile's JSON", _ => Task.FromResult(System.Text.Json.JsonSerializer.Deserialize<ConsumptionProfile>("""{"name": "Nine", "week_start": 9}""")), typeof(System.Text.Json.JsonException));
        yield return Entry("negative price", _ => Task.FromResult(new ModelPrice(new ModelFilter("gpt-4o"), ModelPrice.Always, -0.01m, 1m)), typeof(ArgumentException));
        yield return Entry("price with seven decimals", _ => Task.FromResult(new ModelPrice(new ModelFilter("gpt-4o"), ModelPrice.Always, 1m, 0.0000001m)), typeof(ArgumentException));
        yield return Entry("null price -> SetModelPriceAsync", c => c.Profiles.SetModelPriceAsync(null!), typeof(ArgumentNullException));
        yield return Entry(
            "two prices of one model and instant -> ImportModelPricesAsync",
            c => c.Profiles.ImportModelPricesAsync([new ModelPrice(new ModelFilter("gpt-4o"), ModelPrice.Always, 1m, 2m), new ModelPrice(new ModelFilter("GPT-4o"), ModelPrice.Always, 3m, 4m)]),
            typeof(ArgumentException));
        yield return Entry("empty model filter -> RemoveModelPriceAsync", c => c.Profiles.RemoveModelPriceAsync(string.Empty, ModelPrice.Always), typeof(ArgumentException));
        yield return Entry(
            "cached input tokens above the input -> RecordCallAsync",
            async c => await c.Checker.RecordCallAsync(Existing, new CallUsage { ModelId = "gpt-4o", InputTokens = 10, CachedInputTokens = 11, OutputTokens = 1 }),
            typeof(ArgumentOutOfRangeException));
        yield return Entry(
            "reasoning tokens above the output -> CommitCallAsync",
            async c => await c.Held!.CommitCallAsync(new CallUsage { InputTokens = 1, OutputTokens = 1, ReasoningTokens = 2 }),
            typeof(ArgumentOutOfRangeException),
            arrange: HoldAsync);
        yield return Entry("unset period -> GetModelUsageAsync", c => c.Reports.GetModelUsageAsync(default), typeof(ArgumentException));
        yield return Entry("model id with whitespace -> ReserveAsync", c => Reserve(c, new QuotaReservationOptions { ModelId = "gpt 4o" }), typeof(ArgumentException));
        yield return Entry("empty model id -> AcquirePromptForModelAsync", async c => await c.Rates.AcquirePromptForModelAsync(Existing, string.Empty), typeof(ArgumentException));
        yield return Entry("201-character model id -> CheckForModelAsync", async c => await c.Checker.CheckForModelAsync(Existing, 1, 1, new string('m', 201)), typeof(ArgumentException));

        yield return Entry("null new profile", c => c.Profiles.CreateAsync(null!), typeof(ArgumentNullException));
        yield return Entry("empty profile name", c => Create(c, new NewConsumptionProfile { Name = string.Empty }), typeof(ConsumptionProfileValidationException));
        yield return Entry("whitespace profile name", c => Create(c, new NewConsumptionProfile { Name = "  \t " }), typeof(ConsumptionProfileValidationException));
        yield return Entry("101-character profile name", c => Create(c, new NewConsumptionProfile { Name = new string('p', 101) }), typeof(ConsumptionProfileValidationException));
        yield return Entry("control character in profile name", c => Create(c, new NewConsumptionProfile { Name = "Team\u0000X" }), typeof(ConsumptionProfileValidationException));
        yield return Entry("negative prompts per hour", c => Create(c, new NewConsumptionProfile { Name = "Bad", PromptsPerHour = -1 }), typeof(ConsumptionProfileValidationException));
        yield return Entry("negative config changes per hour", c => Create(c, new NewConsumptionProfile { Name = "Bad", ConfigChangesPerHour = int.MinValue }), typeof(ConsumptionProfileValidationException));
        yield return Entry("negative input token limit", c => Create(c, new NewConsumptionProfile { Name = "Bad", InputTokensPerMonth = -1 }), typeof(ConsumptionProfileValidationException));
        yield return Entry("duplicate profile name ignoring case", c => Create(c, new NewConsumptionProfile { Name = " fREE " }), typeof(ConsumptionProfileConflictException));
        yield return Entry("null profile update", c => c.Profiles.UpdateAsync(c.TeamId, null!), typeof(ArgumentNullException));
        yield return Entry("negative output limit in an update", c => c.Profiles.UpdateAsync(c.TeamId, new ConsumptionProfileUpdate { OutputTokensPerMonth = -5 }), typeof(ConsumptionProfileValidationException));
        yield return Entry("rename to an existing name", c => c.Profiles.UpdateAsync(c.TeamId, new ConsumptionProfileUpdate { Name = "PRO" }), typeof(ConsumptionProfileConflictException));
        yield return Entry("unknown profile id -> GetAsync", c => c.Profiles.GetAsync(987_654), typeof(ConsumptionProfileNotFoundException));
        yield return Entry("unknown profile id -> UpdateAsync", c => c.Profiles.UpdateAsync(987_654, new ConsumptionProfileUpdate { PromptsPerDay = 5 }), typeof(ConsumptionProfileNotFoundException));
        yield return Entry("unknown profile id -> DeleteAsync", c => c.Profiles.DeleteAsync(987_654), typeof(ConsumptionProfileNotFoundException));
        yield return Entry("unknown profile id -> SetDefaultAsync", c => c.Profiles.SetDefaultAsync(-1), typeof(ConsumptionProfileNotFoundException));
        yield return Entry("unknown profile id -> AssignAsync", c => c.Profiles.AssignAsync(Existing, 987_654), typeof(ConsumptionProfileNotFoundException));
        yield return Entry("unknown reassignment target -> DeleteAsync", c => c.Profiles.DeleteAsync(c.TeamId, reassignTo: 987_654), typeof(ConsumptionProfileNotFoundException));
        yield return Entry("delete the default profile", c => c.Profiles.DeleteAsync(c.FreeId), typeof(ConsumptionProfileOperationRefusedException));
        yield return Entry("deactivate the default profile", c => c.Profiles.DeactivateAsync(c.FreeId), typeof(ConsumptionProfileOperationRefusedException));
        yield return Entry("delete a profile with users and no reassignment", c => c.Profiles.DeleteAsync(c.TeamId), typeof(ConsumptionProfileOperationRefusedException));
        yield return Entry(
            "assign an inactive profile",
            c => c.Profiles.AssignAsync(Existing, c.InactiveId),
            typeof(ConsumptionProfileOperationRefusedException),
            arrange: async c => c.InactiveId = (await c.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Dormant", IsActive = false })).Id);
        yield return Entry("empty user id list -> AssignManyAsync", c => c.Profiles.AssignManyAsync([], c.TeamId), typeof(ArgumentException));
        yield return Entry("duplicate user id in list -> AssignManyAsync", c => c.Profiles.AssignManyAsync(["a", "b", "a"], c.TeamId), typeof(ArgumentException));
        yield return Entry("negative page offset -> ListAssignmentsAsync", c => c.Profiles.ListAssignmentsAsync(c.TeamId, offset: -1), typeof(ArgumentOutOfRangeException));
        yield return Entry("zero page size -> ListAssignmentsAsync", c => c.Profiles.ListAssignmentsAsync(c.TeamId, limit: 0), typeof(ArgumentOutOfRangeException));
        yield return Entry("page size over the maximum -> QueryAuditLogAsync", c => c.Profiles.QueryAuditLogAsync(new QuotaAuditQuery { Limit = Paging.MaxLimit + 1 }), typeof(ArgumentOutOfRangeException));
        yield return Entry(
            "audit query ending before it starts",
            c => c.Profiles.QueryAuditLogAsync(new QuotaAuditQuery { From = Start, To = Start.AddDays(-1) }),
            typeof(ArgumentException));

        // Reports.
        yield return Entry("unset period -> usage report", c => c.Reports.GetUsageAsync(default), typeof(ArgumentException));
        yield return Entry("unknown sort order -> usage report", c => c.Reports.GetUsageAsync(QuotaPeriod.Parse("2025-12"), (UsageSortOrder)99), typeof(ArgumentOutOfRangeException));
        yield return Entry("negative offset -> usage report", c => c.Reports.GetUsageAsync(QuotaPeriod.Parse("2025-12"), offset: -3), typeof(ArgumentOutOfRangeException));

        // SQL-injection-looking names are data: stored verbatim, nothing else touched.
        const string InjectionName = "Robert'); DROP TABLE consumption_profiles;--";
        yield return Entry(
            "SQL-injection-looking profile name is stored verbatim",
            async c => c.Result = (await c.Profiles.CreateAsync(new NewConsumptionProfile { Name = InjectionName })).Id,
            adds: ["consumption_profiles", "tokenquota_audit_log"],
            outcome: c =>
            {
                Assert.That(c.Scalar("SELECT name FROM consumption_profiles WHERE id = " + c.Result), Is.EqualTo(InjectionName));
                Assert.That(c.Scalar("SELECT COUNT(*) FROM consumption_profiles"), Is.EqualTo("7"), "4 seeded + Team + Open + this one");
            });
        const string InjectionUser = "x' OR '1'='1'; DELETE FROM user_token_usage;--";
        yield return Entry(
            "SQL-injection-looking user id is stored verbatim",
            c => c.Checker.RecordAsync(InjectionUser, 3, 4).AsTask(),
            adds: ["user_token_usage"],
            outcome: c => Assert.That(c.Scalar("SELECT input_tokens_used || '/' || output_tokens_used FROM user_token_usage WHERE user_id = 'x'' OR ''1''=''1''; DELETE FROM user_token_usage;--'"), Is.EqualTo("3/4")));
    }

    [Test]
    public void TheCatalogueHoldsAtLeastFortyDistinctBadInputs()
    {
        var names = Catalogue().Select(c => c.TestName).ToList();
        Assert.That(names, Is.Unique);
        Assert.That(names, Has.Count.GreaterThanOrEqualTo(40));
    }

    [TestCaseSource(nameof(Catalogue))]
    public async Task IsRefusedWithItsExpectedOutcomeAndLeavesTheStoreUnchanged(BadInput input)
    {
        var services = await StartAsync();
        var context = new Context(services.Provider, Execute, sql => Convert.ToString(Scalar<object>(sql), System.Globalization.CultureInfo.InvariantCulture));
        await SeedAsync(context);
        if (input.Arrange is not null)
        {
            await input.Arrange(context);
        }

        var before = Snapshot();
        if (input.Throws is null)
        {
            await input.Act(context);
        }
        else
        {
            var error = await Assert.CatchAsync(async () => await input.Act(context), input.Name);
            Assert.That(error, input.Exact ? Is.TypeOf(input.Throws) : Is.InstanceOf(input.Throws));
            Assert.That(error!.Message, Is.Not.Empty);
        }

        input.Outcome?.Invoke(context);
        var after = Snapshot();
        if (input.Adds.Length == 0)
        {
            Assert.That(after, Is.EqualTo(before), "the store did not change");
            return;
        }

        // Only the listed tables may change, and only by gaining rows; the bookkeeping of ids and versions may move.
        Assert.Multiple(() =>
        {
            foreach (var table in before.Keys.Where(t => t is not "sqlite_sequence" and not "tokenquota_state")) // sqlite_sequence: SQLite only
            {
                if (input.Adds.Contains(table))
                {
                    Assert.That(after[table], Is.SupersetOf(before[table]), table);
                    Assert.That(after[table], Has.Count.EqualTo(before[table].Count + 1), table);
                }
                else
                {
                    Assert.That(after[table], Is.EqualTo(before[table]), table);
                }
            }
        });
    }

    private static TestCaseData Entry(
        string name,
        Func<Context, Task> act,
        Type? throws = null,
        bool exact = true,
        Func<Context, Task>? arrange = null,
        Action<Context>? outcome = null,
        string[]? adds = null) =>
        new TestCaseData(new BadInput(name, act, throws, exact, arrange, outcome, adds ?? [])).SetName(name);

    private static async Task SeedAsync(Context c)
    {
        var profiles = await c.Profiles.ListAsync();
        c.FreeId = profiles.Single(p => p.Name == "Free").Id;
        c.TeamId = (await c.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Team", InputTokensPerMonth = 50_000, OutputTokensPerMonth = 10_000 }, "admin")).Id;
        var unlimited = await c.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Open", InputTokensPerMonth = null, OutputTokensPerMonth = null });
        await c.Profiles.AssignAsync(Existing, c.TeamId, "admin");
        await c.Profiles.AssignAsync("unlimited-user", unlimited.Id);
        await c.Checker.RecordAsync(Existing, 500, 100);
        await c.Rates.AcquirePromptAsync(Existing);
        c.Execute($"INSERT INTO user_token_usage (user_id, period, input_tokens_used, output_tokens_used, total_tokens_used, first_usage_at, last_usage_at) VALUES ('{NearMax}', '2025-12', {NearMaxUsed}, 0, {NearMaxUsed}, 0, 0);");
    }

    private static async Task HoldAsync(Context c) =>
        c.Held = (await c.Checker.ReserveAsync(Existing, 100, 50, new QuotaReservationOptions { RequestId = "req-held" })).Reservation;

    private static Task Reserve(Context c, QuotaReservationOptions options) => c.Checker.ReserveAsync(Existing, 1, 1, options).AsTask();

    private static Task Create(Context c, NewConsumptionProfile profile) => c.Profiles.CreateAsync(profile);

    private static CancellationToken Cancelled() => new(canceled: true);

    /// <summary>One bad input: what to call, and what must come of it.</summary>
    public sealed record BadInput(string Name, Func<Context, Task> Act, Type? Throws, bool Exact, Func<Context, Task>? Arrange, Action<Context>? Outcome, string[] Adds)
    {
        public override string ToString() => Name;
    }

    /// <summary>What an entry works on: the services, the seeded ids, a held reservation and the act's result.</summary>
    public sealed class Context
    {
        internal Context(IServiceProvider provider, Action<string> execute, Func<string, string?> scalar)
        {
            Provider = provider;
            Execute = execute;
            Scalar = scalar;
        }

        internal IServiceProvider Provider { get; }

        internal ITokenQuotaChecker Checker => Provider.GetRequiredService<ITokenQuotaChecker>();

        internal IRateLimitPolicy Rates => Provider.GetRequiredService<IRateLimitPolicy>();

        internal IConsumptionProfileManager Profiles => Provider.GetRequiredService<IConsumptionProfileManager>();

        internal IUsageReports Reports => Provider.GetRequiredService<IUsageReports>();

        internal Action<string> Execute { get; }

        internal Func<string, string?> Scalar { get; }

        internal long FreeId { get; set; }

        internal long TeamId { get; set; }

        internal long InactiveId { get; set; }

        internal QuotaReservation? Held { get; set; }

        internal object? Result { get; set; }
    }
}
