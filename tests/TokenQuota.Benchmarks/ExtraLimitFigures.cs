using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Benchmarks;

/// <summary>
/// The cost of extra limits (DESIGN §7, "Cost of the model"): record and reserve + commit for users whose profile has
/// extra limits, none ever reached: a per-model input limit, a tokens-per-minute limit and an in-flight limit
/// (<see cref="CreateAsync"/>), or one cost limit on a priced model (<see cref="CreateCostAsync"/>). Its users live in a
/// database of their own because a configuration with any extra limit sends every record through the profile lookup.
/// </summary>
internal sealed class ExtraLimitFigures(ITokenQuotaChecker checker, string prefix)
{
    public const string Model = "bench-model-large";

    private const int Users = 1_000;

    public string UserId(int i) => prefix + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Creates the profile with the three extra limits and assigns it to every benchmark user, then warms the cache.</summary>
    public static Task<ExtraLimitFigures> CreateAsync(IServiceProvider provider) => CreateAsync(
        provider,
        "extra-",
        "Bench-Extra",
        [
            QuotaLimit.Parse("input_tokens/month=1000000000000000@bench-model*"),
            QuotaLimit.Parse("total_tokens/minute=1000000000000000"),
            QuotaLimit.Parse("in_flight=1000000"),
        ]);

    /// <summary>Prices the benchmark model and creates a profile with one cost limit on it ($9 billion a month).</summary>
    public static async Task<ExtraLimitFigures> CreateCostAsync(IServiceProvider provider)
    {
        var profiles = provider.GetRequiredService<IConsumptionProfileManager>();
        await profiles.SetModelPriceAsync(new ModelPrice(new ModelFilter("bench-model*"), ModelPrice.Always, 2.50m, 10m));
        return await CreateAsync(provider, "cost-", "Bench-Cost", [QuotaLimit.Parse("cost/month=9000000000@bench-model*")]);
    }

    private static async Task<ExtraLimitFigures> CreateAsync(IServiceProvider provider, string prefix, string name, QuotaLimit[] limits)
    {
        var profiles = provider.GetRequiredService<IConsumptionProfileManager>();
        var checker = provider.GetRequiredService<ITokenQuotaChecker>();
        var profile = await profiles.CreateAsync(new NewConsumptionProfile
        {
            Name = name,
            PromptsPerHour = 1_000_000_000,
            PromptsPerDay = 1_000_000_000,
            InputTokensPerMonth = 1_000_000_000_000_000,
            OutputTokensPerMonth = 1_000_000_000_000_000,
            Limits = limits,
        });
        var figures = new ExtraLimitFigures(checker, prefix);
        for (var i = 0; i < Users; i++)
        {
            await profiles.AssignAsync(figures.UserId(i), profile.Id);
        }

        for (var i = 0; i < Users; i++)
        {
            await checker.CheckForModelAsync(figures.UserId(i), 1, 1, Model);
        }

        return figures;
    }

    public Func<TimeSpan, Task<double>> Record() => Measure.AsyncRound(i => checker.RecordForModelAsync(UserId(i % Users), 1, 1, Model));

    public Func<TimeSpan, Task<double>> ReserveCommit() => Measure.AsyncRound(async i =>
    {
        var reserved = await checker.ReserveAsync(UserId(i % Users), 100, 50, new QuotaReservationOptions { ModelId = Model });
        await reserved.Reservation!.CommitAsync(90, 40);
    });
}
