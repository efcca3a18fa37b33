namespace Tollgate.Core.Configuration;

/// <summary>One entry of a model's <c>deployments:</c> list.</summary>
public sealed record DeploymentConfig
{
    /// <summary><c>provider</c>: a key of the <c>providers:</c> section.</summary>
    public required string Provider { get; init; }

    /// <summary><c>model</c>: the name the provider knows.</summary>
    public required string Model { get; init; }
}
