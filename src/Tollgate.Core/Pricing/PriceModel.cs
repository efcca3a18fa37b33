namespace Tollgate.Core.Pricing;

/// <summary>A catalog model: its id, whether it matches only exactly, and its periods in time order.</summary>
internal sealed record PriceModel(string Id, bool ExactOnly, ModelPrice[] Periods);
