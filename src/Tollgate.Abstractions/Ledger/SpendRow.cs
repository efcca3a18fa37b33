namespace Tollgate.Ledger;

/// <summary>One group of a spend report.</summary>
public sealed record SpendRow
{
    /// <summary>The group's value (a key id, a model name, a day...).</summary>
    public required string Group { get; init; }

    /// <summary>Requests.</summary>
    public long Requests { get; init; }

    /// <summary>Requests with a status of 400 or more.</summary>
    public long Errors { get; init; }

    /// <summary>Prompt tokens.</summary>
    public long InputTokens { get; init; }

    /// <summary>Prompt tokens read from a cache.</summary>
    public long CachedInputTokens { get; init; }

    /// <summary>Prompt tokens written to a cache.</summary>
    public long CacheWriteTokens { get; init; }

    /// <summary>Generated tokens.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Generated reasoning tokens.</summary>
    public long ReasoningTokens { get; init; }

    /// <summary>Cost in US nano-dollars (unpriced records count zero).</summary>
    public long CostNanoDollars { get; init; }
}
