using Tollgate.Core.Configuration;
using Tollgate.Core.Errors;
using Tollgate.Core.Limits;
using Tollgate.Core.Pipeline;
using Tollgate.Providers;

namespace Tollgate.Core.Routing;

/// <summary>
/// Resolves the client's model name and plans the request's route: the model's deployments in its strategy's order,
/// then its fallbacks (<see cref="RoutePlan"/>). An unknown name is a 404 <c>model_not_found</c> and no upstream is
/// called. The target it sets is the deployment the plan would try first, which the limits stage prices the request by;
/// <see cref="RouteRunner"/> replaces it with the deployment that answered.
/// </summary>
public sealed class RoutingHandler(DeploymentHealthRegistry registry, TimeProvider time, Random random) : IGatewayHandler
{
    /// <inheritdoc/>
    public Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        var snapshot = context.Snapshot;
        if (!snapshot.Config.Models.TryGetValue(context.RequestedModel, out var model))
        {
            throw GatewayException.ModelNotFound(context.RequestedModel);
        }

        var plan = RoutePlan.Create(snapshot, model, registry, random, time, context.Stream, EstimatePrompt(context, model));
        context.Route = plan;
        context.Target = plan.Preview();
        return next(context);
    }

    private static long? EstimatePrompt(GatewayContext context, ModelConfig model)
    {
        // Only a model (or fallback) with a context_window needs the estimate; most requests skip it.
        if (context.Operation != ApiOperation.Chat || !NeedsEstimate(context, model))
        {
            return null;
        }

        var body = context.RequestBody.Span;
        return context.Surface == WireFormat.Anthropic
            ? PromptTokenEstimator.Default.EstimateAnthropicMessages(body, null).PromptTokens
            : PromptTokenEstimator.Default.EstimateOpenAIChat(body, null).PromptTokens;
    }

    private static bool NeedsEstimate(GatewayContext context, ModelConfig model)
    {
        if (model.Routing.ContextWindow is not null)
        {
            return true;
        }

        var models = context.Snapshot.Config.Models;
        foreach (var list in (IReadOnlyList<string>[])[model.Routing.Fallbacks, model.Routing.RateLimitFallbacks, model.Routing.ContextWindowFallbacks, model.Routing.ContentPolicyFallbacks])
        {
            foreach (var name in list)
            {
                if (models.TryGetValue(name, out var fallback) && fallback.Routing.ContextWindow is not null)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
