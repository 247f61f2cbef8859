namespace TokenQuota.Tests.Limits;

/// <summary>A profile's extra limits as a set: the seed's five figures are its standard limits, never repeated, and no two limits limit the same thing.</summary>
public class LimitSetValidatorTests
{
    [Test]
    public void TheSeedsFiveFiguresAreTheStandardLimits()
    {
        var profile = new ConsumptionProfile { Name = "Pro", PromptsPerHour = 50, PromptsPerDay = 500, ConfigChangesPerHour = 10, InputTokensPerMonth = 1_000_000, OutputTokensPerMonth = null };

        Assert.That(StandardLimits.Of(profile).Select(l => l.ToString()), Is.EqualTo(new[]
        {
            "prompts/hour=50", "prompts/day=500", "config_changes/hour=10", "input_tokens/month=1000000", "output_tokens/month=unlimited",
        }));
    }

    [Test]
    public void DistinctExtraLimitsAreAccepted()
    {
        var errors = new Dictionary<string, string[]>();

        LimitSetValidator.Check(Parse("input_tokens/month=100@gpt-4o*", "total_tokens/minute=20000", "in_flight=4", "prompts/hour=5@o1*"), errors);

        Assert.That(errors, Is.Empty);
    }

    [Test]
    public void TwoLimitsOfTheSameMeterWindowAndModelAreRefusedNamingBoth()
    {
        var errors = new Dictionary<string, string[]>();

        LimitSetValidator.Check(Parse("total_tokens/minute=20000@gpt-4o*", "in_flight=4", "total_tokens/minute=100@GPT-4O*"), errors);

        Assert.That(errors, Is.EqualTo(new Dictionary<string, string[]>
        {
            ["limits[2]"] = ["total_tokens/minute=100@GPT-4O* limits the same meter, window and model as limits[0] (total_tokens/minute=20000@gpt-4o*); keep one."],
        }));
    }

    [TestCase("prompts/hour=5", "prompts_per_hour")]
    [TestCase("input_tokens/month=unlimited", "input_tokens_per_month")]
    [TestCase("config_changes/hour:token_bucket=3", "config_changes_per_hour")]
    public void AnExtraLimitThatRepeatsAStandardOneIsRefusedNamingTheSeedsField(string text, string field)
    {
        var errors = new Dictionary<string, string[]>();

        LimitSetValidator.Check(Parse(text), errors);

        Assert.That(errors["limits[0]"].Single(), Does.Contain($"set {field} instead"));
    }

    [Test]
    public void MoreThanFiftyLimitsAreRefused()
    {
        var errors = new Dictionary<string, string[]>();

        LimitSetValidator.Check(Enumerable.Range(0, 51).Select(i => QuotaLimit.Parse($"total_tokens/minute=1@model-{i}")).ToArray(), errors);

        Assert.That(errors["limits"].Single(), Does.Contain("at most 50"));
    }

    private static QuotaLimit[] Parse(params string[] texts) => texts.Select(QuotaLimit.Parse).ToArray();
}
