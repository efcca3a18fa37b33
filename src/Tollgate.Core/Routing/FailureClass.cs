namespace Tollgate.Core.Routing;

/// <summary>What a failed attempt means for the rest of the request.</summary>
public enum FailureClass
{
    /// <summary>Connection errors, timeouts, 408, 500, 502, 503, 504, 529: try another deployment, or this one after a backoff.</summary>
    Retryable,

    /// <summary>429: rest the deployment, try another; <c>rate_limit_fallbacks</c> come first once the model's deployments are spent.</summary>
    RateLimited,

    /// <summary>The prompt exceeds the model's context window: skip to <c>context_window_fallbacks</c>.</summary>
    ContextWindow,

    /// <summary>The upstream refused the content: skip to <c>content_policy_fallbacks</c>.</summary>
    ContentPolicy,

    /// <summary>Any other 4xx, or a refusal by the gateway itself: the request ends with it.</summary>
    Fatal,
}
