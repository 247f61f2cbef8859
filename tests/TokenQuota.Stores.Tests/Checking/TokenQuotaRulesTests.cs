namespace TokenQuota.Stores.Tests;

/// <summary>DESIGN §3 token rules (limits, NULL = unlimited, denial message, recording, periods) through the real store.</summary>
[TestFixture(typeof(SqliteBackend))]
[TestFixture(typeof(PostgresBackend))]
public class TokenQuotaRulesTests<TBackend> : StoreContractTest<TBackend>
    where TBackend : StoreBackend, new()
{
    [Test]
    public async Task UsedPlusRequestedOverTheLimitIsDeniedAndLandingExactlyOnItIsAllowed()
    {
        var services = await StartAsync();
        await services.Checker.RecordAsync("user-1", 99_500, 49_000);

        var exact = await services.Checker.CheckAsync("user-1", 500, 1_000);
        var overInput = await services.Checker.CheckAsync("user-1", 501, 0);
        var overOutput = await services.Checker.CheckAsync("user-1", 0, 1_001);

        Assert.Multiple(() =>
        {
            Assert.That(exact.IsAllowed, Is.True);
            Assert.That(exact.Message, Is.Empty);
            Assert.That(exact.DeniedDimension, Is.Null);
            Assert.That(exact.ProfileName, Is.EqualTo("Free"));
            Assert.That(exact.Input, Is.EqualTo(new TokenLimitFigures(100_000, 99_500, 500, 500)));
            Assert.That(exact.Output, Is.EqualTo(new TokenLimitFigures(50_000, 49_000, 1_000, 1_000)));

            Assert.That(overInput.IsAllowed, Is.False);
            Assert.That(overInput.DeniedDimension, Is.EqualTo(TokenDimension.Input));
            Assert.That(overInput.Message, Is.EqualTo("Input token quota exceeded. Limit: 100,000/month, Used: 99,500, Remaining: 500"));

            Assert.That(overOutput.IsAllowed, Is.False);
            Assert.That(overOutput.DeniedDimension, Is.EqualTo(TokenDimension.Output));
            Assert.That(overOutput.Message, Is.EqualTo("Output token quota exceeded. Limit: 50,000/month, Used: 49,000, Remaining: 1,000"));
        });
    }

    [Test]
    public async Task InputIsJudgedBeforeOutputButBothFiguresAreReturned()
    {
        var services = await StartAsync();
        await services.Checker.RecordAsync("user-1", 100_000, 50_000);

        var result = await services.Checker.CheckAsync("user-1", 10, 20);

        Assert.Multiple(() =>
        {
            Assert.That(result.IsAllowed, Is.False);
            Assert.That(result.DeniedDimension, Is.EqualTo(TokenDimension.Input));
            Assert.That(result.Message, Is.EqualTo("Input token quota exceeded. Limit: 100,000/month, Used: 100,000, Remaining: 0"));
            Assert.That(result.Input, Is.EqualTo(new TokenLimitFigures(100_000, 100_000, 10, 0)));
            Assert.That(result.Output, Is.EqualTo(new TokenLimitFigures(50_000, 50_000, 20, 0)));
            Assert.That(result.Period.Key, Is.EqualTo("2025-12"));
        });
    }

    [Test]
    public async Task DenialMessageUsesInvariantCultureWhateverTheCurrentCulture()
    {
        var services = await StartAsync();
        await services.Checker.RecordAsync("user-1", 100_000, 0);
        var previous = Thread.CurrentThread.CurrentCulture;
        Thread.CurrentThread.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var result = await services.Checker.CheckAsync("user-1", 1_000, 0);
            Assert.That(result.Message, Is.EqualTo("Input token quota exceeded. Limit: 100,000/month, Used: 100,000, Remaining: 0"));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    [Test]
    public async Task ALimitOfZeroAllowsOnlyARequestOfZero()
    {
        var services = await StartAsync();
        var zero = await services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "Zero", InputTokensPerMonth = 0, OutputTokensPerMonth = 0 });
        await services.Profiles.AssignAsync("user-1", zero.Id);

        var nothing = await services.Checker.CheckAsync("user-1", 0, 0);
        var one = await services.Checker.CheckAsync("user-1", 1, 0);
        var oneOutput = await services.Checker.CheckAsync("user-1", 0, 1);

        Assert.Multiple(() =>
        {
            Assert.That(nothing.IsAllowed, Is.True);
            Assert.That(nothing.ProfileName, Is.EqualTo("Zero"));
            Assert.That(one.IsAllowed, Is.False);
            Assert.That(one.Message, Is.EqualTo("Input token quota exceeded. Limit: 0/month, Used: 0, Remaining: 0"));
            Assert.That(oneOutput.IsAllowed, Is.False);
            Assert.That(oneOutput.Message, Is.EqualTo("Output token quota exceeded. Limit: 0/month, Used: 0, Remaining: 0"));
        });
    }

    [Test]
    public async Task ANullLimitIsUnlimitedPerDimension()
    {
        var services = await StartAsync();
        var inputFree = await services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "InputFree", InputTokensPerMonth = null, OutputTokensPerMonth = 10 });
        var outputFree = await services.Profiles.CreateAsync(new NewConsumptionProfile { Name = "OutputFree", InputTokensPerMonth = 10, OutputTokensPerMonth = null });
        await services.Profiles.AssignAsync("a", inputFree.Id);
        await services.Profiles.AssignAsync("b", outputFree.Id);
        await services.Checker.RecordAsync("a", 5_000_000_000, 10);
        await services.Checker.RecordAsync("b", 10, 5_000_000_000);

        var aHugeInput = await services.Checker.CheckAsync("a", TokenCounts.MaxPerCall, 0);
        var aOneOutput = await services.Checker.CheckAsync("a", 0, 1);
        var bHugeOutput = await services.Checker.CheckAsync("b", 0, 1_000_000_000_000);
        var bOneInput = await services.Checker.CheckAsync("b", 1, 0);

        Assert.Multiple(() =>
        {
            Assert.That(aHugeInput.IsAllowed, Is.True);
            Assert.That(aHugeInput.Input, Is.EqualTo(new TokenLimitFigures(null, 5_000_000_000, TokenCounts.MaxPerCall, null)));
            Assert.That(aOneOutput.IsAllowed, Is.False);
            Assert.That(aOneOutput.DeniedDimension, Is.EqualTo(TokenDimension.Output));
            Assert.That(aOneOutput.Message, Is.EqualTo("Output token quota exceeded. Limit: 10/month, Used: 10, Remaining: 0"));
            Assert.That(bHugeOutput.IsAllowed, Is.True);
            Assert.That(bOneInput.IsAllowed, Is.False);
            Assert.That(bOneInput.DeniedDimension, Is.EqualTo(TokenDimension.Input));
        });
    }

    [Test]
    public async Task AUserWithNoProfileAtAllHasUnlimitedTokens()
    {
        var services = await StartAsync();
        await RemoveDefaultAsync(services.Profiles);
        await services.Checker.RecordAsync("nobody", 10_000_000, 10_000_000);

        var result = await services.Checker.CheckAsync("nobody", 1_000_000_000, 1_000_000_000);

        Assert.Multiple(() =>
        {
            Assert.That(result.IsAllowed, Is.True);
            Assert.That(result.ProfileId, Is.Null);
            Assert.That(result.ProfileName, Is.Null);
            Assert.That(result.Input.Limit, Is.Null);
            Assert.That(result.Input.Used, Is.EqualTo(10_000_000));
        });
    }

    [Test]
    public async Task AnInactiveAssignedProfileFallsBackToTheDefault()
    {
        var services = await StartAsync();
        var proId = await ProfileIdAsync(services.Profiles, "Pro");
        await services.Profiles.AssignAsync("user-1", proId);
        Assert.That((await services.Checker.CheckAsync("user-1", 0, 0)).ProfileName, Is.EqualTo("Pro"));

        await services.Profiles.UpdateAsync(proId, new ConsumptionProfileUpdate { IsActive = false });
        var result = await services.Checker.CheckAsync("user-1", 100_001, 0);

        Assert.Multiple(() =>
        {
            Assert.That(result.ProfileName, Is.EqualTo("Free"));
            Assert.That(result.IsAllowed, Is.False);
            Assert.That(Scalar<long>("SELECT profile_id FROM tokenquota_assignments WHERE user_id = 'user-1';"), Is.EqualTo(proId));
        });
    }

    [Test]
    public async Task RecordingAddsToOneRowPerUserAndPeriod()
    {
        var services = await StartAsync();

        await services.Checker.RecordAsync("user-1", 100, 10);
        Clock.Advance(TimeSpan.FromMinutes(5));
        await services.Checker.RecordAsync("user-1", 200, 20);
        await services.Checker.RecordAsync("user-2", 7, 3);

        var rows = Rows("SELECT * FROM user_token_usage WHERE user_id = 'user-1';");
        Assert.That(rows, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(rows[0]["period"], Is.EqualTo("2025-12"));
            Assert.That(rows[0]["input_tokens_used"], Is.EqualTo(300L));
            Assert.That(rows[0]["output_tokens_used"], Is.EqualTo(30L));
            Assert.That(rows[0]["total_tokens_used"], Is.EqualTo(330L));
            Assert.That(rows[0]["first_usage_at"], Is.EqualTo(Start.ToUnixTimeMilliseconds()));
            Assert.That(rows[0]["last_usage_at"], Is.EqualTo(Start.AddMinutes(5).ToUnixTimeMilliseconds()));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM user_token_usage;"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task NegativeCountsAreRefusedAndNothingIsWritten()
    {
        var services = await StartAsync();
        await services.Checker.RecordAsync("user-1", 5, 5);
        var before = Snapshot();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await services.Checker.RecordAsync("user-1", -1, 10));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await services.Checker.RecordAsync("user-1", 10, -1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await services.Checker.RecordAsync("user-2", -5, -5));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await services.Checker.CheckAsync("user-1", -1, 0));

        Assert.That(Snapshot(), Is.EqualTo(before));
    }

    [Test]
    public async Task AnAdditionThatWouldOverflowTheStoredTotalIsRefusedAndNothingIsWritten()
    {
        var services = await StartAsync();
        await services.Checker.RecordAsync("user-1", 1, 1);

        // A stored total close to the 64-bit maximum: no single call (at most TokenCounts.MaxPerCall) gets there.
        Execute($"UPDATE user_token_usage SET input_tokens_used = {long.MaxValue - 10}, total_tokens_used = {long.MaxValue - 9} WHERE user_id = 'user-1';");
        var before = Snapshot();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await services.Checker.RecordAsync("user-1", 11, 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await services.Checker.RecordAsync("user-1", 0, 10), "the total would overflow");
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await services.Checker.RecordAsync("user-1", 0, TokenCounts.MaxPerCall + 1));

        Assert.Multiple(() =>
        {
            Assert.That(Snapshot(), Is.EqualTo(before));
            Assert.That(Scalar<long>("SELECT input_tokens_used FROM user_token_usage WHERE user_id = 'user-1';"), Is.EqualTo(long.MaxValue - 10));
        });
    }

    [Test]
    public async Task UsageOfDecemberIsInvisibleInJanuaryButTheDecemberRowIsStillStored()
    {
        Clock.SetUtcNow(new DateTimeOffset(2025, 12, 31, 23, 59, 59, TimeSpan.Zero));
        var services = await StartAsync();
        await services.Checker.RecordAsync("user-1", 100_000, 50_000);
        var december = await services.Checker.CheckAsync("user-1", 1, 0);

        Clock.Advance(TimeSpan.FromSeconds(1));
        var january = await services.Checker.CheckAsync("user-1", 100_000, 50_000);
        var status = await services.Checker.GetStatusAsync("user-1");
        await services.Checker.RecordAsync("user-1", 1, 1);

        Assert.Multiple(() =>
        {
            Assert.That(december.IsAllowed, Is.False);
            Assert.That(december.Period.Key, Is.EqualTo("2025-12"));
            Assert.That(january.IsAllowed, Is.True);
            Assert.That(january.Period.Key, Is.EqualTo("2026-01"));
            Assert.That(january.Input.Used, Is.Zero);
            Assert.That(status.Period, Is.EqualTo("2026-01"));
            Assert.That(status.InputTokens.Used, Is.Zero);
            Assert.That(status.OutputTokens.Used, Is.Zero);
            Assert.That(
                Rows("SELECT period, input_tokens_used, output_tokens_used FROM user_token_usage WHERE user_id = 'user-1' ORDER BY period;")
                    .Select(r => ((string)r["period"]!, (long)r["input_tokens_used"]!, (long)r["output_tokens_used"]!)),
                Is.EqualTo(new[] { ("2025-12", 100_000L, 50_000L), ("2026-01", 1L, 1L) }));
        });
    }

    [Test]
    public async Task UserIdsAreStoredVerbatim()
    {
        var services = await StartAsync();
        var odd = "o'hara\"; DROP TABLE user_token_usage;-- ü";
        var longest = new string('x', 128);

        await services.Checker.RecordAsync(odd, 3, 4);
        await services.Checker.RecordAsync(longest, 1, 1);

        await Assert.ThrowsAsync<ArgumentException>(async () => await services.Checker.RecordAsync(new string('x', 129), 1, 1));
        await Assert.ThrowsAsync<ArgumentException>(async () => await services.Checker.RecordAsync(string.Empty, 1, 1));

        Assert.Multiple(() =>
        {
            Assert.That(Scalar<long>("SELECT input_tokens_used FROM user_token_usage WHERE user_id = @u;", ("@u", odd)), Is.EqualTo(3));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM user_token_usage WHERE user_id = @u;", ("@u", longest)), Is.EqualTo(1));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM user_token_usage;"), Is.EqualTo(2));
        });
    }
}
