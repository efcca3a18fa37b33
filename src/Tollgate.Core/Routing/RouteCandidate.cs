namespace Tollgate.Core.Routing;

/// <summary>What a strategy knows of one deployment when it orders them.</summary>
/// <param name="Index">The deployment's position in the model's list.</param>
/// <param name="Weight">Its <c>weight</c>.</param>
/// <param name="Priority">Its <c>priority</c>.</param>
/// <param name="InFlight">Its attempts in flight.</param>
/// <param name="LatencyMs">Its moving average of time to first token (streams) or latency; <see langword="null"/> before any.</param>
/// <param name="PricePerMillion">Its input plus output price in US dollars per million tokens; <see langword="null"/> when unpriced.</param>
/// <param name="Utilization">How full it is under its rpm/tpm and learned capacity (0 idle, above 1 over capacity).</param>
public readonly record struct RouteCandidate(int Index, double Weight, int Priority, int InFlight, double? LatencyMs, decimal? PricePerMillion, double Utilization);
