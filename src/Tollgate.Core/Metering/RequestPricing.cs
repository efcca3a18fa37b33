using Tollgate.Core.Pipeline;
using Tollgate.Core.Pricing;
using Tollgate.Providers;

namespace Tollgate.Core.Metering;

/// <summary>
/// Prices a request from the catalog in force (with the config's overrides), by the deployment that served it and its
/// normalised usage. The cost is computed once, when first asked for after the usage is final, and cached on the context.
/// </summary>
public static class RequestPricing
{
    /// <summary>The price of the routed deployment at <paramref name="at"/>, or <see langword="null"/> before routing or when unpriced.</summary>
    public static ModelPrice? FindPrice(GatewayContext context, DateTimeOffset at) =>
        context.Target is { } target
            ? context.Snapshot.Prices.Find(new PriceQuery(target.ProviderConfig.Type, target.Deployment.Model, at, target.Deployment.Provider))
            : null;

    /// <summary>
    /// The request's cost from its final usage: unpriced (<see cref="RequestCost.IsPriced"/> false) before routing, for
    /// a model without a price, or with no usage (a failure before the upstream answered costs nothing).
    /// </summary>
    public static RequestCost Cost(GatewayContext context, TimeProvider time)
    {
        if (context.Cost is { } cached)
        {
            return cached;
        }

        if (context.Usage is not { } usage || FindPrice(context, time.GetUtcNow()) is not { } price)
        {
            return RequestCost.Unpriced;
        }

        var breakdown = context.Operation == ApiOperation.Embeddings
            ? CostCalculator.CalculateEmbedding(price, usage.InputTokens)
            : CostCalculator.Calculate(price, usage);
        var cost = new RequestCost { Price = price, Breakdown = breakdown };
        context.Cost = cost;
        return cost;
    }
}
