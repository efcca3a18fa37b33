using System.Collections.Concurrent;
using Tollgate.Core.Configuration;

namespace Tollgate.Core.Routing;

/// <summary>
/// Every deployment's <see cref="DeploymentHealth"/>, by <c>provider/model</c>. A singleton: health outlives config
/// reloads, so a deployment that keeps its provider and model keeps its history. Thread-safe.
/// </summary>
public sealed class DeploymentHealthRegistry(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DeploymentHealth> _health = new(StringComparer.Ordinal);

    /// <summary>The health of <paramref name="deployment"/>, created on first use.</summary>
    public DeploymentHealth For(DeploymentConfig deployment) =>
        _health.GetOrAdd(deployment.Key, static (key, time) => new DeploymentHealth(key, time), time);
}
