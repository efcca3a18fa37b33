namespace Tollgate.Core.Configuration;

/// <summary>A model's <c>strategy</c>: how a request's deployment is chosen.</summary>
public enum RoutingStrategy
{
    /// <summary><c>ordered</c>: by <c>priority</c>, then list order; the first available deployment serves.</summary>
    Ordered,

    /// <summary><c>weighted</c>: at random, in proportion to each deployment's <c>weight</c>.</summary>
    Weighted,

    /// <summary><c>least-latency</c>: the lowest moving average of time to first token (streams) or total latency.</summary>
    LeastLatency,

    /// <summary><c>least-busy</c>: the fewest requests in flight.</summary>
    LeastBusy,

    /// <summary><c>lowest-cost</c>: the cheapest by the price catalog (input plus output price per million tokens).</summary>
    LowestCost,

    /// <summary><c>usage-based</c>: the most headroom under each deployment's <c>rpm</c>/<c>tpm</c> and learned capacity.</summary>
    UsageBased,
}
