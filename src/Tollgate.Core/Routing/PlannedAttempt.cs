using Tollgate.Core.Configuration;

namespace Tollgate.Core.Routing;

/// <summary>The next attempt a <see cref="RoutePlan"/> proposes.</summary>
/// <param name="Target">The deployment to call.</param>
/// <param name="Index">The deployment's position in its model's list.</param>
/// <param name="Health">The deployment's health.</param>
/// <param name="Wait">How long to wait first: zero for a deployment not yet tried, the backoff (or Retry-After) for a retry.</param>
public sealed record PlannedAttempt(RouteTarget Target, int Index, DeploymentHealth Health, TimeSpan Wait)
{
    /// <summary>The model whose deployment this is (the requested model or a fallback).</summary>
    public ModelConfig Model => Target.Model;
}
