using Microsoft.VisualBasic.FileIO;

namespace TokenQuota.Tests.Reporting;

/// <summary>The CSV of usage by model: RFC 4180 quoting, CRLF records, exact decimal cost; read back by an independent parser.</summary>
public class ModelUsageCsvTests
{
    private static ModelUsage Row(string? user, string model, long costNano) => new()
    {
        UserId = user,
        Period = "2025-12",
        ModelId = model,
        Calls = 3,
        InputTokens = 1_000_000,
        CachedInputTokens = 200_000,
        OutputTokens = 50_000,
        ReasoningTokens = 7,
        CostNanoUnits = costNano,
    };

    [Test]
    public void TheHeaderAndPlainRowsAreWrittenAsIsWithCrlf()
    {
        var csv = ModelUsageCsv.ToText([Row("alice", "gpt-4o", 4_250_000_000), Row(null, "o3", 150)]);

        Assert.That(csv, Is.EqualTo(
            "user_id,period,model,calls,input_tokens,cached_input_tokens,output_tokens,reasoning_tokens,cost\r\n" +
            "alice,2025-12,gpt-4o,3,1000000,200000,50000,7,4.25\r\n" +
            ",2025-12,o3,3,1000000,200000,50000,7,0.00000015\r\n"));
    }

    [Test]
    public void NoRowsIsTheHeaderAlone()
    {
        Assert.That(ModelUsageCsv.ToText([]), Is.EqualTo("user_id,period,model,calls,input_tokens,cached_input_tokens,output_tokens,reasoning_tokens,cost\r\n"));
    }

    [TestCase("plain", "plain")]
    [TestCase("a,b", "\"a,b\"")]
    [TestCase("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [TestCase("two\nlines", "\"two\nlines\"")]
    [TestCase("cr\rhere", "\"cr\rhere\"")]
    [TestCase(" spaced ", " spaced ")]
    public void AFieldIsQuotedOnlyWhenItHoldsACommaAQuoteOrALineBreak(string value, string expected)
    {
        Assert.That(ModelUsageCsv.Escape(value), Is.EqualTo(expected));
    }

    [Test]
    public void AnIndependentParserReadsBackEveryAwkwardUserId()
    {
        string[] users = ["o'brien, pat", "\"quoted\"", "multi\r\nline", "ünïcødé"];
        var csv = ModelUsageCsv.ToText(users.Select(u => Row(u, "gpt-4o", 1)));

        using var parser = new TextFieldParser(new StringReader(csv)) { HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = false };
        parser.SetDelimiters(",");
        var records = new List<string[]>();
        while (!parser.EndOfData)
        {
            records.Add(parser.ReadFields()!);
        }

        Assert.Multiple(() =>
        {
            Assert.That(records, Has.Count.EqualTo(users.Length + 1));
            Assert.That(records[0], Is.EqualTo(ModelUsageCsv.Columns));
            Assert.That(records.Skip(1).Select(r => r[0]), Is.EqualTo(users));
            Assert.That(records.Skip(1).Select(r => r.Length), Is.All.EqualTo(9));
            Assert.That(records.Skip(1).Select(r => r[8]), Is.All.EqualTo("0.000000001"));
        });
    }
}
