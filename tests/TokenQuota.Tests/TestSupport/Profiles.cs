namespace TokenQuota.Tests.TestSupport;

internal static class Profiles
{
    public static ConsumptionProfile Make(
        long id,
        string name,
        long? input = null,
        long? output = null,
        bool isDefault = false,
        bool isActive = true,
        int promptsPerHour = 100,
        int promptsPerDay = 1000,
        int configChangesPerHour = 10,
        long userCount = 0) => new()
        {
            Id = id,
            Name = name,
            InputTokensPerMonth = input,
            OutputTokensPerMonth = output,
            IsDefault = isDefault,
            IsActive = isActive,
            PromptsPerHour = promptsPerHour,
            PromptsPerDay = promptsPerDay,
            ConfigChangesPerHour = configChangesPerHour,
            UserCount = userCount,
        };
}
