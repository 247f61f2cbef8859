namespace TokenQuota.Tests.Limits;

/// <summary>A limit's shape, its text form, its model filter, and every bad combination refused with a clear message.</summary>
public class QuotaLimitTests
{
    [TestCase("total_tokens/minute=20000@gpt-4o*")]
    [TestCase("prompts/minute:token_bucket=10")]
    [TestCase("input_tokens/day:sliding_window=500000@claude-3-5-sonnet@20240620")]
    [TestCase("output_tokens/month=unlimited@ft:gpt-4o:acme:1")]
    [TestCase("in_flight=4")]
    [TestCase("config_changes/week=0")]
    public void TheTextFormReadsBackToTheSameLimit(string text)
    {
        var limit = QuotaLimit.Parse(text);

        Assert.Multiple(() =>
        {
            Assert.That(limit.ToString(), Is.EqualTo(text));
            Assert.That(QuotaLimit.Parse(limit.ToString()), Is.EqualTo(limit));
        });
    }

    [Test]
    public void AParsedLimitCarriesEachPart()
    {
        var limit = QuotaLimit.Parse(" Total_Tokens/Minute:token_bucket = 20000 @gpt-4o*");

        Assert.That(
            (limit.Meter, limit.Window, limit.Algorithm, limit.Amount, limit.Model?.Pattern),
            Is.EqualTo((QuotaMeter.TotalTokens, (QuotaWindow?)QuotaWindow.Minute, LimitAlgorithm.TokenBucket, (long?)20000, "gpt-4o*")));
    }

    [TestCase("gpt-4o", "gpt-4o", true)]
    [TestCase("gpt-4o", "GPT-4o", true)]
    [TestCase("gpt-4o", "gpt-4o-mini", false)]
    [TestCase("gpt-4o*", "gpt-4o-mini", true)]
    [TestCase("gpt-4o*", "gpt-4", false)]
    [TestCase("gpt-4o*", null, false)]
    public void AModelFilterMatchesAnExactIdOrAPrefixIgnoringCase(string pattern, string? model, bool matches)
    {
        Assert.That(new ModelFilter(pattern).Matches(model), Is.EqualTo(matches));
    }

    [Test]
    public void ALimitWithoutAFilterAppliesToEveryRequestOneWithAFilterOnlyToItsModels()
    {
        var everyModel = QuotaLimit.Parse("total_tokens/minute=100");
        var oneFamily = QuotaLimit.Parse("total_tokens/minute=100@gpt-4o*");

        Assert.Multiple(() =>
        {
            Assert.That(new[] { everyModel.AppliesTo(null), everyModel.AppliesTo("o1") }, Is.All.True);
            Assert.That(new[] { oneFamily.AppliesTo(null), oneFamily.AppliesTo("o1") }, Is.All.False);
            Assert.That(oneFamily.AppliesTo("gpt-4o-mini"), Is.True);
        });
    }

    [Test]
    public void TwoLimitsOfTheSameMeterWindowAndModelLimitTheSameThingWhateverTheirAmounts()
    {
        var a = QuotaLimit.Parse("total_tokens/minute=100@GPT-4o*");
        var b = QuotaLimit.Parse("total_tokens/minute=5@gpt-4o*");
        var c = QuotaLimit.Parse("total_tokens/hour=5@gpt-4o*");

        Assert.Multiple(() =>
        {
            Assert.That(a.LimitsSameAs(b), Is.True);
            Assert.That(a.LimitsSameAs(c), Is.False);
        });
    }

    [TestCase("tokens/minute=5", "Unknown meter 'tokens'")]
    [TestCase("prompts/fortnight=5", "Unknown window 'fortnight'")]
    [TestCase("prompts/minute/hour=5", "Unknown window 'minute/hour'")]
    [TestCase("prompts/minute:leaky=5", "Unknown algorithm 'leaky'")]
    [TestCase("prompts/minute=-1", "non-negative")]
    [TestCase("prompts/minute=ten", "not a whole number")]
    [TestCase("in_flight/minute=4", "has no window")]
    [TestCase("prompts=4", "needs a window")]
    [TestCase("prompts/month:token_bucket=4", "minute, hour or day window")]
    [TestCase("prompts/minute=4@", "model filter is empty")]
    [TestCase("prompts/minute=4@*", "model filter is empty")]
    [TestCase("prompts/minute=4@gpt*4", "before its end")]
    [TestCase("prompts/minute=4@gpt 4", "whitespace")]
    [TestCase("prompts/minute", "is not a limit")]
    public void ABadLimitIsRefusedSayingWhichPartIsWrong(string text, string message)
    {
        Assert.Multiple(() =>
        {
            Assert.That(QuotaLimit.TryParse(text, out var limit, out var error), Is.False);
            Assert.That(limit, Is.Null);
            Assert.That(error, Does.Contain(message));
            Assert.That(() => QuotaLimit.Parse(text), Throws.InstanceOf<FormatException>().With.Message.Contains(message));
        });
    }

    [Test]
    public void TheConstructorRefusesWhatTheTextFormRefusesNamingTheParameter()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new QuotaLimit(QuotaMeter.InFlight, QuotaWindow.Minute, 4), Throws.ArgumentException.With.Property("ParamName").EqualTo("window"));
            Assert.That(() => new QuotaLimit(QuotaMeter.Prompts, QuotaWindow.Hour, -1), Throws.ArgumentException.With.Property("ParamName").EqualTo("amount"));
            Assert.That(() => new QuotaLimit((QuotaMeter)42, QuotaWindow.Hour, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("meter"));
            Assert.That(() => new QuotaLimit(QuotaMeter.Prompts, QuotaWindow.Year, 1, null, LimitAlgorithm.SlidingWindow), Throws.ArgumentException.With.Property("ParamName").EqualTo("algorithm"));
            Assert.That(() => new ModelFilter(new string('m', ModelFilter.MaxLength + 1)), Throws.ArgumentException.With.Message.Contains("at most 200"));
        });
    }
}
