namespace Tollgate.Core.Pricing;

/// <summary>
/// A price the config sets (a negotiated rate, or a model the catalog lacks). It targets either a model
/// (<see cref="Provider"/> <see langword="null"/>: every provider serving that upstream model) or a deployment
/// (<see cref="Provider"/> set: one provider, by its config name or its type, serving that model). Any subset of
/// the rates may be given; the others come from the layer below, in this order: deployment override, model
/// override, catalog. A rate set here replaces the catalog's rate and that rate's long-context tier values.
/// </summary>
public sealed record PriceOverride
{
    /// <summary>The provider's config name or type; <see langword="null"/> to target the model on every provider.</summary>
    public string? Provider { get; init; }

    /// <summary>The upstream (deployment) model id, matched like catalog ids (case-insensitive, snapshot suffixes allowed).</summary>
    public required string Model { get; init; }

    /// <summary>US dollars per million uncached input tokens.</summary>
    public decimal? Input { get; init; }

    /// <summary>US dollars per million cached input tokens.</summary>
    public decimal? CachedInput { get; init; }

    /// <summary>US dollars per million cache-write tokens.</summary>
    public decimal? CacheWrite { get; init; }

    /// <summary>US dollars per million one-hour cache-write tokens.</summary>
    public decimal? CacheWrite1h { get; init; }

    /// <summary>US dollars per million output tokens.</summary>
    public decimal? Output { get; init; }

    /// <summary>US dollars per million reasoning tokens.</summary>
    public decimal? Reasoning { get; init; }

    /// <summary>US dollars per input image.</summary>
    public decimal? PerImage { get; init; }

    /// <summary>Fraction off for batch requests, in [0, 1).</summary>
    public decimal? BatchDiscount { get; init; }
}
