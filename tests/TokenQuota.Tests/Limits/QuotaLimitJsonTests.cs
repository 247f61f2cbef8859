using System.Text.Json;

namespace TokenQuota.Tests.Limits;

public sealed class QuotaLimitJsonTests
{
    [TestCase("total_tokens/minute=20000@gpt-4o*", """{"meter":"total_tokens","window":"minute","model":"gpt-4o*","amount":20000}""")]
    [TestCase("prompts/hour:sliding_window=5", """{"meter":"prompts","window":"hour","amount":5,"algorithm":"sliding_window"}""")]
    [TestCase("in_flight=3", """{"meter":"in_flight","amount":3}""")]
    [TestCase("output_tokens/year=unlimited", """{"meter":"output_tokens","window":"year","amount":null}""")]
    public void ALimitIsWrittenInTheDesignShapeAndReadBack(string text, string json)
    {
        var limit = QuotaLimit.Parse(text);

        var written = JsonSerializer.Serialize(limit);
        var read = JsonSerializer.Deserialize<QuotaLimit>(written);

        Assert.Multiple(() =>
        {
            Assert.That(written, Is.EqualTo(json));
            Assert.That(read, Is.EqualTo(limit));
        });
    }

    [TestCase("""{"meter":"watts","window":"minute","amount":1}""", "meter: Unknown meter 'watts'")]
    [TestCase("""{"meter":"in_flight","window":"minute","amount":1}""", "window: An in_flight limit")]
    [TestCase("""[1]""", "JSON object")]
    public void ABadLimitIsAJsonExceptionSayingWhichField(string json, string says)
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<QuotaLimit>(json));

        Assert.That(error!.Message, Does.Contain(says));
    }

    [Test]
    public void TryCreateReportsEveryBadFieldAtOnce()
    {
        var made = QuotaLimit.TryCreate("watts", "fortnight", "leaky", 5, "", out var limit, out var problems);

        Assert.Multiple(() =>
        {
            Assert.That(made, Is.False);
            Assert.That(limit, Is.Null);
            Assert.That(problems.Select(p => p.Key), Is.EquivalentTo(new[] { "meter", "window", "algorithm", "model" }));
        });
    }
}
