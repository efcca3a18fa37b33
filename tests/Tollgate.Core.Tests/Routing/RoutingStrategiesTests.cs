using Tollgate.Core.Configuration;
using Tollgate.Core.Routing;

namespace Tollgate.Core.Tests.Routing;

public sealed class RoutingStrategiesTests
{
    private const int Draws = 20_000;

    [Fact]
    public void Order_Ordered_SortsByPriorityThenListOrder()
    {
        var candidates = new List<RouteCandidate> { Candidate(0, priority: 1), Candidate(1, priority: 0), Candidate(2, priority: 1), Candidate(3, priority: 0) };

        RoutingStrategies.Order(RoutingStrategy.Ordered, candidates, new Random(1));

        Assert.Equal([1, 3, 0, 2], candidates.Select(c => c.Index));
    }

    [Fact]
    public void Order_Weighted_FirstPickFollowsWeights()
    {
        var random = new Random(42);
        var firsts = new int[3];
        for (var i = 0; i < Draws; i++)
        {
            var candidates = new List<RouteCandidate> { Candidate(0, weight: 6), Candidate(1, weight: 3), Candidate(2, weight: 1) };
            RoutingStrategies.Order(RoutingStrategy.Weighted, candidates, random);
            firsts[candidates[0].Index]++;
            Assert.Equal(3, candidates.Select(c => c.Index).Distinct().Count());
        }

        Assert.InRange(firsts[0] / (double)Draws, 0.58, 0.62);
        Assert.InRange(firsts[1] / (double)Draws, 0.28, 0.32);
        Assert.InRange(firsts[2] / (double)Draws, 0.08, 0.12);
    }

    [Fact]
    public void Order_WeightedWithZeroWeight_PutsItLastAlways()
    {
        var random = new Random(7);
        for (var i = 0; i < 1000; i++)
        {
            var candidates = new List<RouteCandidate> { Candidate(0, weight: 0), Candidate(1, weight: 1), Candidate(2, weight: 1) };
            RoutingStrategies.Order(RoutingStrategy.Weighted, candidates, random);
            Assert.Equal(0, candidates[^1].Index);
        }
    }

    [Fact]
    public void Order_LeastLatency_UnmeasuredFirstThenLowestAverage()
    {
        var candidates = new List<RouteCandidate> { Candidate(0, latency: 300), Candidate(1, latency: 100), Candidate(2), Candidate(3, latency: 200) };

        RoutingStrategies.Order(RoutingStrategy.LeastLatency, candidates, new Random(1));

        Assert.Equal([2, 1, 3, 0], candidates.Select(c => c.Index));
    }

    [Fact]
    public void Order_LeastBusy_FewestInFlightFirstTiesSpreadEvenly()
    {
        var random = new Random(3);
        var firsts = new int[3];
        for (var i = 0; i < Draws; i++)
        {
            var candidates = new List<RouteCandidate> { Candidate(0, inFlight: 2), Candidate(1, inFlight: 0), Candidate(2, inFlight: 0) };
            RoutingStrategies.Order(RoutingStrategy.LeastBusy, candidates, random);
            firsts[candidates[0].Index]++;
            Assert.Equal(0, candidates[^1].Index);
        }

        Assert.Equal(0, firsts[0]);
        Assert.InRange(firsts[1] / (double)Draws, 0.47, 0.53);
    }

    [Fact]
    public void Order_LowestCost_CheapestFirstUnpricedLast()
    {
        var candidates = new List<RouteCandidate> { Candidate(0), Candidate(1, price: 15m), Candidate(2, price: 0.6m), Candidate(3, price: 15m) };

        RoutingStrategies.Order(RoutingStrategy.LowestCost, candidates, new Random(1));

        Assert.Equal([2, 1, 3, 0], candidates.Select(c => c.Index));
    }

    [Fact]
    public void Order_UsageBased_LowestUtilizationFirst()
    {
        var candidates = new List<RouteCandidate> { Candidate(0, utilization: 0.9), Candidate(1, utilization: 0.1), Candidate(2, utilization: 0.5) };

        RoutingStrategies.Order(RoutingStrategy.UsageBased, candidates, new Random(1));

        Assert.Equal([1, 2, 0], candidates.Select(c => c.Index));
    }

    private static RouteCandidate Candidate(int index, double weight = 1, int priority = 0, int inFlight = 0, double? latency = null, decimal? price = null, double utilization = 0) =>
        new(index, weight, priority, inFlight, latency, price, utilization);
}
