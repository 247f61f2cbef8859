namespace TokenQuota.Samples.ConsoleHost;

/// <summary>One user of the demo and the prompts they send.</summary>
/// <param name="Name">The user's name; the id gets the run id appended unless <paramref name="KeptAcrossRuns"/>.</param>
/// <param name="ProfileName">The profile to assign, or <see langword="null"/> to leave the user on the default profile.</param>
/// <param name="Story">What the user shows, printed before their prompts.</param>
/// <param name="Requests">The prompts, in order.</param>
/// <param name="ConfigChanges">How many configuration changes the user attempts after the prompts.</param>
/// <param name="KeptAcrossRuns">Whether the same user id is used on every run, so its usage accumulates in the database.</param>
internal sealed record DemoUser(
    string Name,
    string? ProfileName,
    string Story,
    IReadOnlyList<LlmRequest> Requests,
    int ConfigChanges = 0,
    bool KeptAcrossRuns = false)
{
    public string UserId(string runId) => KeptAcrossRuns ? Name : $"{Name}-{runId}";
}

/// <summary>The users of the demo. Token counts are deterministic, so the figures are the same on every run.</summary>
internal static class DemoScript
{
    public static IReadOnlyList<DemoUser> Users { get; } =
    [
        new("alice", "Free", "Free tier, a few everyday prompts",
        [
            new("Explain fixed-window rate limiting in two sentences."),
            new("Write a haiku about monthly token budgets."),
            new("Summarise this stand-up: API done, tests green, demo on Friday.", AttachedDocumentTokens: 1_200),
        ]),
        new("erin", "Free", "Free tier, reviews long contracts: passes 80% of the input budget, then is refused",
        [
            new("Review this supplier contract for liability clauses.", AttachedDocumentTokens: 28_000),
            new("Review this licence agreement for termination terms.", AttachedDocumentTokens: 28_000),
            new("Review this NDA for unusual obligations.", AttachedDocumentTokens: 28_000),
            new("Review this lease for renewal options.", AttachedDocumentTokens: 28_000),
        ]),
        new("bob", "Pro", "Pro tier, the same long documents fit comfortably",
        [
            new("Review this supplier contract for liability clauses.", AttachedDocumentTokens: 28_000),
            new("Review this licence agreement for termination terms.", AttachedDocumentTokens: 28_000),
            new("Draft a reply accepting the changes.", MaxOutputTokens: 1_500),
        ]),
        new("carol", "Unlimited", "Unlimited tier, a document larger than Free's whole month",
        [
            new("Find every mention of indemnity in this data room export.", AttachedDocumentTokens: 150_000),
        ]),
        new("dave", DemoProfiles.DemoTight.Name, "Demo-Tight (3 prompts/hour, 1 config change/hour): refused by the rate limiter",
        [
            new("ping 1"),
            new("ping 2"),
            new("ping 3"),
            new("ping 4"),
            new("ping 5"),
        ],
        ConfigChanges: 2),
        new("frank", DemoProfiles.DemoModels.Name, "Demo-Models: a per-model monthly limit on gpt-4o and 30,000 tokens a minute on any model",
        [
            new("Review this supplier contract for liability clauses.", AttachedDocumentTokens: 10_000, Model: "gpt-4o"),
            new("Review this licence agreement for termination terms.", AttachedDocumentTokens: 10_000, Model: "gpt-4o"),
            new("Review this licence agreement for termination terms.", AttachedDocumentTokens: 10_000, Model: "gpt-4o-mini"),
            new("Review this NDA for unusual obligations.", AttachedDocumentTokens: 10_000, Model: "gpt-4o-mini"),
        ]),
        new("grace", DemoProfiles.DemoBudget.Name, "Demo-Budget: a $0.05 monthly budget on gpt-4o refuses the expensive model while gpt-4o-mini still answers",
        [
            new("Review this supplier contract for liability clauses.", AttachedDocumentTokens: 10_000, Model: "gpt-4o"),
            new("Review this licence agreement for termination terms.", AttachedDocumentTokens: 10_000, Model: "gpt-4o"),
            new("Review this licence agreement for termination terms.", AttachedDocumentTokens: 10_000, Model: "gpt-4o-mini"),
        ]),
        new("team-shared", null, "no assignment, so the default profile applies; same id every run, usage adds up across runs",
        [
            new("Weekly report: summarise the incident log.", AttachedDocumentTokens: 9_000),
        ],
        KeptAcrossRuns: true),
    ];
}
