using Tollgate.Core.Pipeline;

namespace Tollgate.Core.Routing;

/// <summary>Adds <see cref="RoutingHandler"/> to a pipeline.</summary>
public static class RoutingPipelineExtensions
{
    /// <summary>Resolves the model name to a deployment.</summary>
    public static GatewayPipelineBuilder UseRouting(this GatewayPipelineBuilder builder) => builder.Use<RoutingHandler>();
}
