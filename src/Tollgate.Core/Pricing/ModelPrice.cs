namespace Tollgate.Core.Pricing;

/// <summary>
/// The prices of one model for one effective period, in US dollars per million tokens (decimal, never
/// floating point). Defaults when a rate is <see langword="null"/>: <see cref="CachedInput"/> and
/// <see cref="CacheWrite"/> fall back to <see cref="Input"/> (the provider gives no discount and charges no
/// surcharge), <see cref="CacheWrite1h"/> falls back to <see cref="CacheWrite"/>, <see cref="Reasoning"/> falls back
/// to <see cref="Output"/>, and a missing <see cref="Output"/> prices output at zero (embedding models).
/// </summary>
public sealed record ModelPrice
{
    /// <summary>A price of zero for everything: self-hosted models.</summary>
    public static readonly ModelPrice Zero = new() { Model = "*", Family = "self-hosted", Input = 0m, Output = 0m };

    /// <summary>The catalog id the request's model matched (or the override's target).</summary>
    public required string Model { get; init; }

    /// <summary>The catalog family (for example <c>openai</c>), or <c>override</c> for a price the config made.</summary>
    public required string Family { get; init; }

    /// <summary>Chat or embedding.</summary>
    public ModelKind Kind { get; init; }

    /// <summary>The first instant this price applies (inclusive).</summary>
    public DateTimeOffset EffectiveFrom { get; init; } = DateTimeOffset.MinValue;

    /// <summary>The instant this price stops applying (exclusive); <see langword="null"/> when open-ended.</summary>
    public DateTimeOffset? EffectiveTo { get; init; }

    /// <summary>US dollars per million uncached input tokens (for an embedding model: per million embedded tokens).</summary>
    public required decimal Input { get; init; }

    /// <summary>US dollars per million input tokens read from the provider's cache.</summary>
    public decimal? CachedInput { get; init; }

    /// <summary>US dollars per million input tokens written to the cache (Anthropic's default five-minute TTL).</summary>
    public decimal? CacheWrite { get; init; }

    /// <summary>US dollars per million input tokens written to the cache with Anthropic's one-hour TTL.</summary>
    public decimal? CacheWrite1h { get; init; }

    /// <summary>US dollars per million output tokens.</summary>
    public decimal? Output { get; init; }

    /// <summary>US dollars per million reasoning tokens; defaults to <see cref="Output"/>.</summary>
    public decimal? Reasoning { get; init; }

    /// <summary>US dollars per input image, for providers that bill images per image rather than as tokens.</summary>
    public decimal? PerImage { get; init; }

    /// <summary>The fraction taken off every rate for batch requests (0.5 = half price); <see langword="null"/> when there is no batch price.</summary>
    public decimal? BatchDiscount { get; init; }

    /// <summary>Long-context tiers, ascending by <see cref="PriceTier.AbovePromptTokens"/>.</summary>
    public IReadOnlyList<PriceTier> Tiers { get; init; } = [];

    /// <summary>The provider's pricing page the numbers come from; <see langword="null"/> for a config override.</summary>
    public string? Source { get; init; }

    /// <summary>The day the source was checked.</summary>
    public DateOnly? Checked { get; init; }

    /// <summary>Whether this period covers <paramref name="at"/>.</summary>
    public bool IsEffectiveAt(DateTimeOffset at) => at >= EffectiveFrom && (EffectiveTo is null || at < EffectiveTo.Value);

    /// <summary>The tier for a prompt of <paramref name="promptTokens"/> tokens: the one with the largest threshold below it, or <see langword="null"/> for the base rates.</summary>
    public PriceTier? TierFor(long promptTokens)
    {
        // A for loop, not foreach: enumerating the interface would box the enumerator on the hot path.
        PriceTier? chosen = null;
        for (var i = 0; i < Tiers.Count; i++)
        {
            if (promptTokens > Tiers[i].AbovePromptTokens)
            {
                chosen = Tiers[i];
            }
        }

        return chosen;
    }
}
