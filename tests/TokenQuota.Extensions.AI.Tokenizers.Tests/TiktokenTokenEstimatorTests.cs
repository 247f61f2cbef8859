using Microsoft.Extensions.AI;

namespace TokenQuota.Extensions.AI.Tokenizers.Tests;

public sealed class TiktokenTokenEstimatorTests
{
    private static readonly string[] Samples =
    [
        "hello world",
        "Hello, world!",
        "tiktoken is great!",
        "The quick brown fox jumps over the lazy dog.",
        "antidisestablishmentarianism",
        "こんにちは世界",
        "public sealed class TiktokenTokenEstimator : TextTokenEstimator { }",
        string.Concat(Enumerable.Repeat("Token budgets per user, per month. ", 50)),
    ];

    // Hand-known counts: "hello world" is [15339, 1917] in cl100k_base and [24912, 2375] in o200k_base; "tiktoken is
    // great!" is 6 tokens in both (OpenAI cookbook, "How to count tokens with tiktoken").
    [TestCase("hello world", 2)]
    [TestCase("tiktoken is great!", 6)]
    [TestCase("", 0)]
    // Cross-checked with the tokenizer itself:
    [TestCase("Hello, world!", 4)]
    [TestCase("The quick brown fox jumps over the lazy dog.", 10)]
    [TestCase("こんにちは世界", 2)]
    public void O200kBaseCountsKnownStrings(string text, long expected) =>
        Assert.That(TiktokenTokenEstimator.O200kBase.CountTokens(text), Is.EqualTo(expected));

    [TestCase("hello world", 2)]
    [TestCase("tiktoken is great!", 6)]
    [TestCase("", 0)]
    [TestCase("Hello, world!", 4)]
    [TestCase("The quick brown fox jumps over the lazy dog.", 10)]
    [TestCase("こんにちは世界", 4)]
    public void Cl100kBaseCountsKnownStrings(string text, long expected) =>
        Assert.That(TiktokenTokenEstimator.Cl100kBase.CountTokens(text), Is.EqualTo(expected));

    [Test]
    public void TheEncodingsAreTheRealOnes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TiktokenTokenEstimator.O200kBase.Tokenizer.EncodeToIds("hello world"), Is.EqualTo(new[] { 24912, 2375 }));
            Assert.That(TiktokenTokenEstimator.Cl100kBase.Tokenizer.EncodeToIds("hello world"), Is.EqualTo(new[] { 15339, 1917 }));
        });
    }

    [Test]
    public void SharedEstimatorsAreCreatedOnce()
    {
        var o200k = TiktokenTokenEstimator.O200kBase;
        var cl100k = TiktokenTokenEstimator.Cl100kBase;
        Assert.Multiple(() =>
        {
            Assert.That(TiktokenTokenEstimator.O200kBase, Is.SameAs(o200k));
            Assert.That(TiktokenTokenEstimator.Cl100kBase, Is.SameAs(cl100k));
            Assert.That(o200k, Is.Not.SameAs(cl100k));
            Assert.That(TiktokenTokenEstimator.ForModel("gpt-4o"), Is.SameAs(TiktokenTokenEstimator.ForModel("GPT-4o")));
        });
    }

    [TestCase("gpt-4o", 2)]
    [TestCase("gpt-4.1-mini", 2)]
    [TestCase("o3", 2)]
    [TestCase("gpt-4", 4)]
    [TestCase("gpt-3.5-turbo", 4)]
    public void ForModelPicksTheModelEncoding(string model, long japaneseTokens) =>
        Assert.That(TiktokenTokenEstimator.ForModel(model).CountTokens("こんにちは世界"), Is.EqualTo(japaneseTokens));

    [Test]
    public void ForModelRejectsUnknownAndEmptyModels()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<NotSupportedException>(() => TiktokenTokenEstimator.ForModel("not-a-model"));
            Assert.Throws<NotSupportedException>(() => TiktokenTokenEstimator.ForModel("not-a-model"), "a failure is not cached as a success");
            Assert.Throws<ArgumentException>(() => TiktokenTokenEstimator.ForModel(" "));
            Assert.Throws<ArgumentNullException>(() => TiktokenTokenEstimator.ForModel(null!));
        });
    }

    [Test]
    public void ChatMessagesCountTextPlusThreePerMessagePlusThreeForTheReply()
    {
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "hello world"),          // 3 + 2
            new(ChatRole.Assistant, "Hello, world!"),   // 3 + 4
            new(ChatRole.User, "tiktoken is great!"),   // 3 + 6
        ];

        Assert.Multiple(() =>
        {
            Assert.That(TiktokenTokenEstimator.O200kBase.EstimateInputTokens(messages, null), Is.EqualTo(5 + 7 + 9 + 3));
            Assert.That(TiktokenTokenEstimator.Cl100kBase.EstimateInputTokens(messages, null), Is.EqualTo(5 + 7 + 9 + 3));
            // Instructions count as one more message.
            Assert.That(
                TiktokenTokenEstimator.O200kBase.EstimateInputTokens(messages, new ChatOptions { Instructions = "The quick brown fox jumps over the lazy dog." }),
                Is.EqualTo(5 + 7 + 9 + 3 + (3 + 10)));
            Assert.That(TiktokenTokenEstimator.O200kBase.EstimateInputTokens([], null), Is.Zero, "an empty request");
        });
    }

    [Test]
    public void ChatMessagesCountToolCallsAndResults()
    {
        var call = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "weather", new Dictionary<string, object?> { ["city"] = "Paris" })]);
        List<ChatMessage> withResult = [call, new(ChatRole.Tool, [new FunctionResultContent("c1", "hello world")])];
        List<ChatMessage> withEmptyResult = [call, new(ChatRole.Tool, [new FunctionResultContent("c1", string.Empty)])];
        var estimator = TiktokenTokenEstimator.O200kBase;

        Assert.Multiple(() =>
        {
            Assert.That(estimator.EstimateInputTokens(withResult, null) - estimator.EstimateInputTokens(withEmptyResult, null), Is.EqualTo(2), "the result's tokens");
            Assert.That(estimator.EstimateInputTokens([call], null), Is.GreaterThan(3 + estimator.CountTokens("weather Paris") + 3), "the call's name and arguments");
        });
    }

    [Test]
    public void TheOverheadsCanBeChanged()
    {
        var raw = new TiktokenTokenEstimator(TiktokenTokenEstimator.O200kBase.Tokenizer) { TokensPerMessage = 0, TokensPerReply = 0 };
        List<ChatMessage> messages = [new(ChatRole.User, "hello world"), new(ChatRole.User, "tiktoken is great!")];

        Assert.Multiple(() =>
        {
            Assert.That(raw.EstimateInputTokens(messages, null), Is.EqualTo(2 + 6));
            Assert.That(new TiktokenTokenEstimator(raw.Tokenizer).TokensPerMessage, Is.EqualTo(TiktokenTokenEstimator.DefaultTokensPerMessage));
            Assert.Throws<ArgumentOutOfRangeException>(() => _ = new TiktokenTokenEstimator(raw.Tokenizer) { TokensPerReply = -1 });
            Assert.Throws<ArgumentNullException>(() => _ = new TiktokenTokenEstimator(null!));
        });
    }

    [Test]
    public void OutputIsTheTokenCountOfTheText()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TiktokenTokenEstimator.O200kBase.EstimateOutputTokens("The quick brown fox jumps over the lazy dog."), Is.EqualTo(10));
            Assert.That(TiktokenTokenEstimator.O200kBase.EstimateOutputTokens(string.Empty), Is.Zero);
        });
    }

    [Test]
    public void ParallelUseCountsAsSerialUse()
    {
        var estimators = new[] { TiktokenTokenEstimator.O200kBase, TiktokenTokenEstimator.Cl100kBase };
        var expected = estimators.Select(e => Samples.Select(e.CountTokens).ToArray()).ToArray();
        var mismatches = 0;

        Parallel.For(0, 4_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var e = i % estimators.Length;
            var s = i / estimators.Length % Samples.Length;
            // A fresh string each time so the tokenizer's cache is exercised, not just hit by reference.
            if (estimators[e].CountTokens(new string(Samples[s].AsSpan())) != expected[e][s])
            {
                Interlocked.Increment(ref mismatches);
            }
        });

        Assert.That(mismatches, Is.Zero);
    }

    [Test]
    public async Task ConcurrentFirstUseOfAModelCreatesOneEstimator()
    {
        using var start = new Barrier(8);
        var tasks = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return TiktokenTokenEstimator.ForModel("gpt-4.1-nano");
        }));

        var estimators = await Task.WhenAll(tasks);

        Assert.That(estimators.Distinct().Count(), Is.EqualTo(1));
    }

    [Test]
    public void UseTiktokenEstimatorPlugsTheSharedEstimatorIn()
    {
        var options = new TokenQuotaChatClientOptions();
        Assert.Multiple(() =>
        {
            Assert.That(options.UseTiktokenEstimator(), Is.SameAs(options));
            Assert.That(options.TokenEstimator, Is.SameAs(TiktokenTokenEstimator.O200kBase));
            Assert.That(options.UseTiktokenEstimator("gpt-4").TokenEstimator, Is.SameAs(TiktokenTokenEstimator.ForModel("gpt-4")));
            Assert.Throws<ArgumentNullException>(() => TiktokenTokenQuotaChatClientOptionsExtensions.UseTiktokenEstimator(null!));
        });
    }
}
