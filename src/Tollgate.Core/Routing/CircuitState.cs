namespace Tollgate.Core.Routing;

/// <summary>A deployment's circuit breaker state.</summary>
public enum CircuitState
{
    /// <summary>Closed: the deployment takes requests.</summary>
    Closed,

    /// <summary>Open: failing; kept out of rotation until its cooldown ends.</summary>
    Open,

    /// <summary>Half open: the cooldown ended; one probe request decides whether it closes or opens again.</summary>
    HalfOpen,
}
