namespace Tollgate.Core.Configuration;

/// <summary>A model's routing keys: strategy, retries, fallbacks, circuit breaker, deadlines and hedging.</summary>
public sealed record RoutingConfig
{
    /// <summary>The defaults: <c>ordered</c>, no retries beyond one try per deployment, no fallbacks, no deadline, no hedging.</summary>
    public static RoutingConfig Default { get; } = new();

    /// <summary><c>strategy</c>. Default <see cref="RoutingStrategy.Ordered"/>.</summary>
    public RoutingStrategy Strategy { get; init; } = RoutingStrategy.Ordered;

    /// <summary>
    /// <c>retries</c>: attempts beyond one per deployment after retryable failures. Default 0: each deployment is tried
    /// once per request.
    /// </summary>
    public int Retries { get; init; }

    /// <summary><c>backoff.initial</c>: the base of the exponential backoff before trying a deployment again. Default 250 ms.</summary>
    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary><c>backoff.max</c>: the longest backoff. Default 8 s.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// <c>backoff.max_retry_after</c>: the longest upstream <c>Retry-After</c> waited for before trying that deployment
    /// again; a longer one sends the request elsewhere (or ends it). Default 30 s.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>fallbacks</c>: model names tried in order after this model's own deployments fail.</summary>
    public IReadOnlyList<string> Fallbacks { get; init; } = [];

    /// <summary><c>rate_limit_fallbacks</c>: tried first when the last failure was a 429.</summary>
    public IReadOnlyList<string> RateLimitFallbacks { get; init; } = [];

    /// <summary><c>context_window_fallbacks</c>: tried (instead of <see cref="Fallbacks"/>) when the prompt exceeds the window.</summary>
    public IReadOnlyList<string> ContextWindowFallbacks { get; init; } = [];

    /// <summary><c>content_policy_fallbacks</c>: tried (instead of <see cref="Fallbacks"/>) when the upstream refused the content.</summary>
    public IReadOnlyList<string> ContentPolicyFallbacks { get; init; } = [];

    /// <summary>
    /// <c>context_window</c>: the model's window in tokens. A prompt estimated larger goes straight to
    /// <see cref="ContextWindowFallbacks"/> without calling this model.
    /// </summary>
    public long? ContextWindow { get; init; }

    /// <summary><c>circuit_breaker</c>.</summary>
    public CircuitBreakerConfig CircuitBreaker { get; init; } = CircuitBreakerConfig.Default;

    /// <summary><c>timeout</c>: the end-to-end deadline of a request, all attempts and waits together; <see langword="null"/> for none.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary><c>first_token_timeout</c>: how long one attempt may take to its first token before it is abandoned and failed over.</summary>
    public TimeSpan? FirstTokenTimeout { get; init; }

    /// <summary><c>idle_timeout</c>: the longest gap between two chunks of one attempt's answer.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary><c>hedging</c>; <see langword="null"/> when off (the default).</summary>
    public HedgingConfig? Hedging { get; init; }
}
