using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.PostgreSql.Tests;

public class PostgreSqlSmokeTests : PostgresTestDatabase
{
    [Test]
    public async Task TheSeedsFlowWorksEndToEnd()
    {
        var provider = BuildServices();
        var checker = provider.GetRequiredService<ITokenQuotaChecker>();
        var profiles = provider.GetRequiredService<IConsumptionProfileManager>();
        var rates = provider.GetRequiredService<IRateLimitPolicy>();

        await checker.RecordAsync("u1", 99_500, 1_000);
        var denied = await checker.CheckAsync("u1", 501, 0);
        var status = await checker.GetStatusAsync("u1");
        var created = await profiles.CreateAsync(new NewConsumptionProfile { Name = "Tight", PromptsPerHour = 2 }, actor: "t");
        await profiles.AssignAsync("u1", created.Id);
        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < 3; i++)
        {
            decisions.Add(await rates.AcquirePromptAsync("u1"));
        }

        var reserved = await checker.ReserveAsync("u2", 60_000, 0);
        var second = await checker.ReserveAsync("u2", 60_000, 0);
        await reserved.Reservation!.CommitAsync(10, 0);
        var list = await profiles.ListAsync();
        var audit = await profiles.QueryAuditLogAsync();

        Assert.Multiple(() =>
        {
            Assert.That(denied.Message, Is.EqualTo("Input token quota exceeded. Limit: 100,000/month, Used: 99,500, Remaining: 500"));
            Assert.That(status.ProfileName, Is.EqualTo("Free"));
            Assert.That(decisions.Select(d => d.IsAllowed), Is.EqualTo(new[] { true, true, false }));
            Assert.That(second.IsAllowed, Is.False);
            Assert.That(list.Select(p => p.Name), Is.EqualTo(new[] { "Free", "Enterprise", "Pro", "Tight", "Unlimited" }));
            Assert.That(audit.TotalCount, Is.EqualTo(2));
        });
    }
}
