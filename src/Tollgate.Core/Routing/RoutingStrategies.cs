using Tollgate.Core.Configuration;

namespace Tollgate.Core.Routing;

/// <summary>
/// The routing strategies, as pure functions that order a model's available deployments: the first is tried first,
/// the rest are the failover order. Randomness comes from the caller.
/// </summary>
/// <remarks>
/// ordered: by priority, then list order. weighted: a weighted draw without replacement (weight 0 goes last).
/// least-latency: deployments without a sample first (in random order, so each gets measured), then the lowest moving
/// average. least-busy: fewest in flight, ties in random order. lowest-cost: cheapest first, unpriced last, ties in list
/// order. usage-based: lowest utilization first, ties in random order; deployments at capacity are dropped (the router
/// comes back to them only when nothing else is left).
/// </remarks>
public static class RoutingStrategies
{
    /// <summary>Orders <paramref name="candidates"/> in place for <paramref name="strategy"/>.</summary>
    public static void Order(RoutingStrategy strategy, List<RouteCandidate> candidates, Random random)
    {
        if (candidates.Count < 2)
        {
            return;
        }

        switch (strategy)
        {
            case RoutingStrategy.Weighted:
                OrderWeighted(candidates, random);
                break;
            case RoutingStrategy.LeastLatency:
                Shuffle(candidates, random);
                StableSort(candidates, static (a, b) => (a.LatencyMs, b.LatencyMs) switch
                {
                    (null, null) => 0,
                    (null, _) => -1,
                    (_, null) => 1,
                    var (x, y) => x.Value.CompareTo(y.Value),
                });
                break;
            case RoutingStrategy.LeastBusy:
                Shuffle(candidates, random);
                StableSort(candidates, static (a, b) => a.InFlight.CompareTo(b.InFlight));
                break;
            case RoutingStrategy.LowestCost:
                StableSort(candidates, static (a, b) => (a.PricePerMillion, b.PricePerMillion) switch
                {
                    (null, null) => a.Index.CompareTo(b.Index),
                    (null, _) => 1,
                    (_, null) => -1,
                    var (x, y) => x.Value != y.Value ? x.Value.CompareTo(y.Value) : a.Index.CompareTo(b.Index),
                });
                break;
            case RoutingStrategy.UsageBased:
                Shuffle(candidates, random);
                StableSort(candidates, static (a, b) => a.Utilization.CompareTo(b.Utilization));
                break;
            default:
                StableSort(candidates, static (a, b) => a.Priority != b.Priority ? a.Priority.CompareTo(b.Priority) : a.Index.CompareTo(b.Index));
                break;
        }
    }

    private static void OrderWeighted(List<RouteCandidate> candidates, Random random)
    {
        // Step 1: draw one at a time in proportion to the weights left; Step 2: weight-0 deployments keep list order at the end.
        var result = new List<RouteCandidate>(candidates.Count);
        var pool = new List<RouteCandidate>(candidates.Count);
        var zero = new List<RouteCandidate>();
        foreach (var candidate in candidates)
        {
            (candidate.Weight > 0 ? pool : zero).Add(candidate);
        }

        while (pool.Count > 0)
        {
            var total = 0.0;
            foreach (var candidate in pool)
            {
                total += candidate.Weight;
            }

            var draw = random.NextDouble() * total;
            var chosen = pool.Count - 1;
            for (var i = 0; i < pool.Count; i++)
            {
                draw -= pool[i].Weight;
                if (draw < 0)
                {
                    chosen = i;
                    break;
                }
            }

            result.Add(pool[chosen]);
            pool.RemoveAt(chosen);
        }

        result.AddRange(zero);
        candidates.Clear();
        candidates.AddRange(result);
    }

    private static void Shuffle(List<RouteCandidate> candidates, Random random)
    {
        for (var i = candidates.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (candidates[i], candidates[j]) = (candidates[j], candidates[i]);
        }
    }

    private static void StableSort(List<RouteCandidate> candidates, Comparison<RouteCandidate> comparison)
    {
        // Insertion sort: stable, and models have a handful of deployments.
        for (var i = 1; i < candidates.Count; i++)
        {
            var item = candidates[i];
            var j = i - 1;
            while (j >= 0 && comparison(candidates[j], item) > 0)
            {
                candidates[j + 1] = candidates[j];
                j--;
            }

            candidates[j + 1] = item;
        }
    }
}
