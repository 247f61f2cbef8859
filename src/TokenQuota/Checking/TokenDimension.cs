namespace TokenQuota;

/// <summary>The two token dimensions a profile limits per month.</summary>
public enum TokenDimension
{
    /// <summary>Input (prompt) tokens.</summary>
    Input,

    /// <summary>Output (completion) tokens.</summary>
    Output,
}
