using Tollgate.Core.Keys;
using Tollgate.Core.Limits;
using Tollgate.Core.Metering;
using Tollgate.Core.Pipeline;
using Tollgate.Core.Routing;

namespace Tollgate.Core;

/// <summary>The one place that orders the request pipeline's stages.</summary>
/// <remarks>
/// Step 1: authentication (401 before anything else is revealed).
/// Step 2: metering wraps everything after it, so refused and failed calls are recorded too.
/// Step 3: the client surface reads and validates the request body (413, 400), which names the model.
/// Step 4: routing resolves the model name (404 for unknown names, before any upstream call) and plans the route: the
/// model's deployments in its strategy's order, then its fallbacks.
/// Step 5: limits: model access (403), rate limits and budgets (429), priced by the routed deployment; it settles
/// what it reserved when the rest has run.
/// Then the surface's terminal step runs attempts along the route (<see cref="Routing.RouteRunner"/>: retries, failover,
/// fallbacks, deadline, hedging), each up to its first token, and writes the winner's answer.
/// Guardrails and caching slot in after step 5.
/// </remarks>
public static class GatewayPipeline
{
    /// <summary>Builds the pipeline around a client surface's two steps: reading the request and answering it.</summary>
    public static GatewayDelegate Build(IServiceProvider services, GatewayDelegate readRequest, GatewayDelegate terminal) =>
        new GatewayPipelineBuilder(services)
            .UseAuthentication()
            .UseMetering()
            .UseRequestReader(readRequest)
            .UseRouting()
            .UseLimits()
            .Build(terminal);
}
