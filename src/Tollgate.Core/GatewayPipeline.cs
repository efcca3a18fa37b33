using Tollgate.Core.Keys;
using Tollgate.Core.Metering;
using Tollgate.Core.Pipeline;
using Tollgate.Core.Routing;

namespace Tollgate.Core;

/// <summary>The one place that orders the request pipeline's stages.</summary>
/// <remarks>
/// Step 1: authentication (401 before anything else is revealed).
/// Step 2: metering wraps everything after it, so refused and failed calls are recorded too.
/// Step 3: routing resolves the model name (404 for unknown names, before any upstream call).
/// Then the endpoint's terminal step calls the provider and writes the answer.
/// Limits, budgets, guardrails and caching slot in between steps 2 and 3.
/// </remarks>
public static class GatewayPipeline
{
    /// <summary>Builds the pipeline around an endpoint's terminal step.</summary>
    public static GatewayDelegate Build(IServiceProvider services, GatewayDelegate terminal) =>
        new GatewayPipelineBuilder(services)
            .UseAuthentication()
            .UseMetering()
            .UseRouting()
            .Build(terminal);
}
