using Tollgate.Core.Errors;
using Tollgate.Core.Pipeline;

namespace Tollgate.Core.Routing;

/// <summary>
/// Resolves the client's model name to a deployment. An unknown name is a 404 <c>model_not_found</c> and no upstream
/// is called. Deployments are tried in config order; strategies, retries and failover build on this stage.
/// </summary>
public sealed class RoutingHandler : IGatewayHandler
{
    /// <inheritdoc/>
    public Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        context.Target = Resolve(context);
        return next(context);
    }

    private static RouteTarget Resolve(GatewayContext context)
    {
        var snapshot = context.Snapshot;
        if (!snapshot.Config.Models.TryGetValue(context.RequestedModel, out var model))
        {
            throw GatewayException.ModelNotFound(context.RequestedModel);
        }

        // Config validation guarantees at least one deployment and that its provider exists.
        var deployment = model.Deployments[0];
        var providerConfig = snapshot.Config.Providers[deployment.Provider];
        return new RouteTarget(model, deployment, providerConfig, snapshot.Providers[deployment.Provider]);
    }
}
