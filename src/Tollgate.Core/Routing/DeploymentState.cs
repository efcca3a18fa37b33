namespace Tollgate.Core.Routing;

/// <summary>What <c>GET /admin/deployments</c> says of a deployment.</summary>
public enum DeploymentState
{
    /// <summary>Taking requests.</summary>
    Healthy,

    /// <summary>Its circuit is open: out of rotation until the cooldown ends.</summary>
    CoolingDown,

    /// <summary>Its cooldown ended: the next request probes it.</summary>
    Probing,

    /// <summary>It answered 429 (or reported no requests remaining): out of rotation until its Retry-After or reset.</summary>
    RateLimited,
}
