namespace Tollgate.Core.Pricing;

/// <summary>
/// Rates that replace a <see cref="ModelPrice"/>'s base rates for a request whose prompt is larger than
/// <see cref="AbovePromptTokens"/> (Gemini 2.5 Pro and Claude Sonnet 4/4.5 above 200k tokens). A rate left
/// <see langword="null"/> keeps the base rate. The tier prices the whole request, output included, as both
/// providers do.
/// </summary>
public sealed record PriceTier
{
    /// <summary>The tier applies when the prompt (all input tokens, cached and cache-write included) is strictly larger than this.</summary>
    public required long AbovePromptTokens { get; init; }

    /// <summary>US dollars per million uncached input tokens.</summary>
    public decimal? Input { get; init; }

    /// <summary>US dollars per million input tokens read from the cache.</summary>
    public decimal? CachedInput { get; init; }

    /// <summary>US dollars per million input tokens written to the cache (default TTL).</summary>
    public decimal? CacheWrite { get; init; }

    /// <summary>US dollars per million input tokens written to the cache with Anthropic's one-hour TTL.</summary>
    public decimal? CacheWrite1h { get; init; }

    /// <summary>US dollars per million output tokens.</summary>
    public decimal? Output { get; init; }

    /// <summary>US dollars per million reasoning tokens.</summary>
    public decimal? Reasoning { get; init; }
}
