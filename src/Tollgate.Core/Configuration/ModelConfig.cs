namespace Tollgate.Core.Configuration;

/// <summary>One entry of the <c>models:</c> section.</summary>
public sealed record ModelConfig
{
    /// <summary>The entry's key: the model name clients send.</summary>
    public required string Name { get; init; }

    /// <summary><c>deployments</c>: where the model is served, in priority order. At least one.</summary>
    public required IReadOnlyList<DeploymentConfig> Deployments { get; init; }
}
