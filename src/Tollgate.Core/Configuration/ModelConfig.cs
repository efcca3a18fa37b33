namespace Tollgate.Core.Configuration;

/// <summary>One entry of the <c>models:</c> section.</summary>
public sealed record ModelConfig
{
    /// <summary>The entry's key: the model name clients send.</summary>
    public required string Name { get; init; }

    /// <summary><c>deployments</c>: where the model is served. At least one.</summary>
    public required IReadOnlyList<DeploymentConfig> Deployments { get; init; }

    /// <summary><c>limits</c>: rate limits on this model name across all callers (<c>rpm</c>, <c>tpm</c>, <c>max_parallel</c>).</summary>
    public Accounts.LimitSpec Limits { get; init; } = Accounts.LimitSpec.None;

    /// <summary>How requests are spread over the deployments, retried, failed over and bounded in time.</summary>
    public RoutingConfig Routing { get; init; } = RoutingConfig.Default;
}
