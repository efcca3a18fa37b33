namespace Tollgate.Core.Pricing;

/// <summary>
/// The cost of one request by kind of token, for the ledger and spend reports. The per-kind amounts are exact
/// (unrounded) nano-dollars; <see cref="TotalNanoDollars"/> is their sum rounded once, half away from zero, and is
/// the figure to bill. Each token is counted in exactly one kind.
/// </summary>
public readonly record struct CostBreakdown
{
    /// <summary>Input tokens neither read from nor written to the cache.</summary>
    public decimal UncachedInput { get; init; }

    /// <summary>Input tokens read from the cache.</summary>
    public decimal CachedInput { get; init; }

    /// <summary>Input tokens written to the cache at the default TTL.</summary>
    public decimal CacheWrite { get; init; }

    /// <summary>Input tokens written to the cache with the one-hour TTL.</summary>
    public decimal CacheWrite1h { get; init; }

    /// <summary>Output tokens other than reasoning.</summary>
    public decimal Output { get; init; }

    /// <summary>Reasoning tokens.</summary>
    public decimal Reasoning { get; init; }

    /// <summary>Per-image charges.</summary>
    public decimal Images { get; init; }

    /// <summary>The sum of the kinds, rounded half away from zero to whole nano-dollars (1e-9 US dollars).</summary>
    public long TotalNanoDollars { get; init; }

    /// <summary>The long-context tier applied, or <see langword="null"/> for the base rates.</summary>
    public long? TierAbovePromptTokens { get; init; }

    /// <summary>Whether the batch discount was applied.</summary>
    public bool BatchDiscountApplied { get; init; }

    /// <summary><see cref="TotalNanoDollars"/> in US dollars (exact).</summary>
    public decimal TotalUsd => TotalNanoDollars / 1_000_000_000m;
}
