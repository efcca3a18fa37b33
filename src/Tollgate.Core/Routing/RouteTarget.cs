using Tollgate.Core.Configuration;
using Tollgate.Providers;

namespace Tollgate.Core.Routing;

/// <summary>The deployment routing chose for a request.</summary>
/// <param name="Model">The model entry the client's name resolved to.</param>
/// <param name="Deployment">The chosen deployment.</param>
/// <param name="ProviderConfig">The deployment's provider entry.</param>
/// <param name="Provider">The provider instance that serves it.</param>
public sealed record RouteTarget(ModelConfig Model, DeploymentConfig Deployment, ProviderConfig ProviderConfig, IChatProvider Provider);
