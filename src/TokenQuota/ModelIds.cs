namespace TokenQuota;

/// <summary>
/// The rules for the model id a request carries (<c>gpt-4o-mini</c>, <c>claude-sonnet-4</c>): optional, and when given
/// 1–200 characters with no whitespace or control characters, as the model filters of limits are.
/// </summary>
internal static class ModelIds
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when <paramref name="modelId"/> is given but invalid.</summary>
    public static void Validate(string? modelId, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(modelId))] string? paramName = null)
    {
        if (modelId is null)
        {
            return;
        }

        if (modelId.Length == 0 || modelId.Length > ModelFilter.MaxLength)
        {
            throw new ArgumentException($"The model id must be 1 to {ModelFilter.MaxLength} characters; it is {modelId.Length}.", paramName);
        }

        foreach (var c in modelId)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                throw new ArgumentException($"The model id contains U+{(int)c:X4}; whitespace and control characters are not allowed.", paramName);
            }
        }
    }
}
