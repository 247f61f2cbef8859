namespace TokenQuota;

/// <summary>One page of a longer list.</summary>
/// <typeparam name="T">The type of the items.</typeparam>
/// <param name="Items">The items of this page.</param>
/// <param name="TotalCount">How many items the whole list holds.</param>
/// <param name="Offset">How many items were skipped before this page.</param>
/// <param name="Limit">The most items a page holds.</param>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, long TotalCount, int Offset, int Limit);
