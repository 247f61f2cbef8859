using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Benchmarks;

/// <summary>
/// The cost of extra limits (DESIGN §7, "Cost of the model"): record and reserve + commit for users whose profile has a
/// per-model input limit, a tokens-per-minute limit and an in-flight limit, none ever reached. Measured on a database of
/// its own, so the standard-only figures of the main database keep a configuration without extra limits.
/// </summary>
internal sealed class ExtraLimitFigures(ITokenQuotaChecker checker)
{
    public const string Model = "bench-model-large";

    private const int Users = 1_000;

    public static string UserId(int i) => "extra-" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Creates the profile with the three extra limits and assigns it to every benchmark user, then warms the cache.</summary>
    public static async Task<ExtraLimitFigures> CreateAsync(BenchDatabase db)
    {
        var profiles = db.Provider.GetRequiredService<IConsumptionProfileManager>();
        var profile = await profiles.CreateAsync(new NewConsumptionProfile
        {
            Name = "Bench-Extra",
            PromptsPerHour = 1_000_000_000,
            PromptsPerDay = 1_000_000_000,
            InputTokensPerMonth = 1_000_000_000_000_000,
            OutputTokensPerMonth = 1_000_000_000_000_000,
            Limits =
            [
                QuotaLimit.Parse("input_tokens/month=1000000000000000@bench-model*"),
                QuotaLimit.Parse("total_tokens/minute=1000000000000000"),
                QuotaLimit.Parse("in_flight=1000000"),
            ],
        });
        for (var i = 0; i < Users; i++)
        {
            await profiles.AssignAsync(UserId(i), profile.Id);
        }

        var figures = new ExtraLimitFigures(db.Checker);
        for (var i = 0; i < Users; i++)
        {
            await db.Checker.CheckForModelAsync(UserId(i), 1, 1, Model);
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
