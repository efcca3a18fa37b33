namespace Tollgate.Core.Configuration;

/// <summary>One entry of a model's <c>deployments:</c> list.</summary>
public sealed record DeploymentConfig
{
    /// <summary><c>provider</c>: a key of the <c>providers:</c> section.</summary>
    public required string Provider { get; init; }

    /// <summary><c>model</c>: the name the provider knows.</summary>
    public required string Model { get; init; }

    /// <summary><c>weight</c>: the deployment's share under the <c>weighted</c> strategy. Default 1.</summary>
    public double Weight { get; init; } = 1;

    /// <summary><c>priority</c>: the order under the <c>ordered</c> strategy, lowest first; ties keep list order. Default 0.</summary>
    public int Priority { get; init; }

    /// <summary><c>rpm</c>: requests per minute this deployment accepts (the <c>usage-based</c> strategy stays under it).</summary>
    public int? RequestsPerMinute { get; init; }

    /// <summary><c>tpm</c>: tokens per minute this deployment accepts (the <c>usage-based</c> strategy stays under it).</summary>
    public long? TokensPerMinute { get; init; }

    /// <summary>The key deployment health is kept under: <c>provider/model</c>, shared by every model name that uses it.</summary>
    public string Key => Provider + "/" + Model;
}
