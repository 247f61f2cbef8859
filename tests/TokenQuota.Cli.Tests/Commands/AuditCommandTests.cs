namespace TokenQuota.Cli.Tests;

public class AuditCommandTests : CliTestBase
{
    [SetUp]
    public async Task MakeChanges()
    {
        await MigrateAsync();
        await RunOkAsync("profiles", "create", "--name", "Team");
        await RunOkAsync("assign", "alice", "Team");
        await RunOkAsync("assign", "bob", "Pro");
    }

    [Test]
    public async Task AuditJsonListsTheChangesNewestFirstWithTheCliActor()
    {
        var json = (await RunOkAsync("audit", "--json")).Json();

        var items = json.GetProperty("items").EnumerateArray().ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("total_count").GetInt64(), Is.EqualTo(3));
            Assert.That(items.Select(i => i.GetProperty("action").GetString()), Is.EqualTo(new[] { "user.assign", "user.assign", "profile.create" }));
            Assert.That(items.Select(i => i.GetProperty("actor").GetString()), Is.All.EqualTo(Actor));
            Assert.That(items[0].GetProperty("target").GetString(), Is.EqualTo("user:bob"));
            Assert.That(items[2].GetProperty("after").GetProperty("name").GetString(), Is.EqualTo("Team"), "before/after are embedded JSON");
        });
    }

    [Test]
    public async Task AuditFiltersByActionTargetAndActor()
    {
        var byAction = (await RunOkAsync("audit", "--action", "profile.create", "--json")).Json();
        var byTarget = (await RunOkAsync("audit", "--target", "user:alice", "--json")).Json();
        var byOtherActor = (await RunOkAsync("audit", "--actor", "someone-else", "--json")).Json();
        var limited = (await RunOkAsync("audit", "--limit", "1", "--offset", "1", "--json")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(byAction.GetProperty("total_count").GetInt64(), Is.EqualTo(1));
            Assert.That(byTarget.GetProperty("items")[0].GetProperty("target").GetString(), Is.EqualTo("user:alice"));
            Assert.That(byTarget.GetProperty("total_count").GetInt64(), Is.EqualTo(1));
            Assert.That(byOtherActor.GetProperty("total_count").GetInt64(), Is.Zero);
            Assert.That(limited.GetProperty("items").GetArrayLength(), Is.EqualTo(1));
            Assert.That(limited.GetProperty("items")[0].GetProperty("target").GetString(), Is.EqualTo("user:alice"));
        });
    }

    [Test]
    public async Task AuditFiltersByTime()
    {
        var future = (await RunOkAsync("audit", "--from", DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "--json")).Json();
        var past = (await RunOkAsync("audit", "--from", "2000-01-01", "--to", DateTimeOffset.UtcNow.AddDays(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture), "--json")).Json();

        Assert.Multiple(() =>
        {
            Assert.That(future.GetProperty("total_count").GetInt64(), Is.Zero);
            Assert.That(past.GetProperty("total_count").GetInt64(), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task AuditTextIsATable()
    {
        var text = (await RunOkAsync("audit")).Out;

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.StartWith("ID"));
            Assert.That(text, Does.Contain("profile.create").And.Contain(Actor).And.Contain("Entries 1-3 of 3"));
        });
    }

    [Test]
    public async Task AuditRefusesBadTimes()
    {
        await AssertRefusedUnchangedAsync(1, "'yesterday' is not a time for --from", "audit", "--from", "yesterday");
        await AssertRefusedUnchangedAsync(1, "is before --from", "audit", "--from", "2025-02-01", "--to", "2025-01-01");
    }
}
