namespace Tollgate.Core.Pricing;

/// <summary>
/// The cost of one request, or the fact that it could not be priced. An unpriced request (a model neither the
/// catalog nor the config knows) has <see cref="IsPriced"/> false and <see cref="TotalNanoDollars"/>
/// <see langword="null"/>, which is not the same as a priced request that cost zero (a self-hosted model).
/// </summary>
public readonly record struct RequestCost
{
    /// <summary>An unpriced request.</summary>
    public static RequestCost Unpriced => default;

    /// <summary>The price used; <see langword="null"/> when unpriced.</summary>
    public ModelPrice? Price { get; init; }

    /// <summary>The breakdown; all zero when unpriced.</summary>
    public CostBreakdown Breakdown { get; init; }

    /// <summary>Whether a price was found.</summary>
    public bool IsPriced => Price is not null;

    /// <summary>The billed total in nano-dollars, or <see langword="null"/> when unpriced.</summary>
    public long? TotalNanoDollars => IsPriced ? Breakdown.TotalNanoDollars : null;
}
