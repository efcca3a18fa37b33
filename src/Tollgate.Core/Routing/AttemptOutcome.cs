namespace Tollgate.Core.Routing;

/// <summary>How one attempt on a deployment ended, as its health counts it.</summary>
public enum AttemptOutcome
{
    /// <summary>The answer was delivered.</summary>
    Succeeded,

    /// <summary>A retryable failure (connection, timeout, 5xx): counts towards the circuit breaker.</summary>
    Failed,

    /// <summary>The upstream answered 429: the deployment cools down for its Retry-After and its capacity is learned.</summary>
    RateLimited,

    /// <summary>The upstream refused the request itself (another 4xx): says nothing about the deployment's health.</summary>
    Rejected,

    /// <summary>Cancelled before it ended (a hedge that lost, a client that left): says nothing either.</summary>
    Cancelled,
}
