namespace TokenQuota;

/// <summary>
/// A value that may be left unset, for partial updates where <see langword="null"/> is itself a meaningful value
/// (for example "unlimited" for a token limit). <c>default</c> means "leave unchanged".
/// </summary>
/// <typeparam name="T">The type of the value.</typeparam>
public readonly record struct Optional<T>
{
    private readonly T value;

    /// <summary>Creates a set value.</summary>
    /// <param name="value">The value to set; may be <see langword="null"/> when <typeparamref name="T"/> allows it.</param>
    public Optional(T value)
    {
        this.value = value;
        HasValue = true;
    }

    /// <summary>Gets whether a value was set.</summary>
    public bool HasValue { get; }

    /// <summary>Gets the value that was set.</summary>
    /// <exception cref="InvalidOperationException">No value was set.</exception>
    public T Value => HasValue ? value : throw new InvalidOperationException("No value was set.");

    /// <summary>Wraps a value as a set <see cref="Optional{T}"/>.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Optional<T>(T value) => new(value);

    /// <summary>Returns the value when set, otherwise <paramref name="fallback"/>.</summary>
    /// <param name="fallback">The value to use when none was set.</param>
    /// <returns>The value or the fallback.</returns>
    public T GetValueOrDefault(T fallback) => HasValue ? value : fallback;
}
