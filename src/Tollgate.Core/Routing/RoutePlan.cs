using Tollgate.Core.Configuration;
using Tollgate.Core.Errors;
using Tollgate.Core.Gateway;
using Tollgate.Core.Pricing;

namespace Tollgate.Core.Routing;

/// <summary>
/// The order in which one request tries deployments: the requested model's, then its fallbacks'. Made by
/// <see cref="RoutingHandler"/>, walked by <see cref="RouteRunner"/>. Used by one request; not thread-safe.
/// </summary>
/// <remarks>
/// Step 1: on entering a model, its strategy orders its deployments (a model whose <c>context_window</c> is smaller
/// than the prompt estimate is skipped as a context-window failure).
/// Step 2: each available deployment (circuit closed or its probe slot free, not resting after a 429, and for
/// <c>usage-based</c> under its capacity) is tried once, in that order, at once.
/// Step 3: then up to <c>retries</c> more attempts go to the deployments that failed retryably, fewest tries first,
/// each after its backoff (at least the upstream's Retry-After; a Retry-After over <c>backoff.max_retry_after</c>
/// rules that deployment out).
/// Step 4: when the model is spent, the fallback models: after a 429 (or when its deployments were skipped as rate
/// limited), <c>rate_limit_fallbacks</c> then
/// <c>fallbacks</c>; after a context-window failure <c>context_window_fallbacks</c>; after a content-policy refusal
/// <c>content_policy_fallbacks</c>; otherwise <c>fallbacks</c>. Only the requested model's lists are followed (a
/// fallback's own fallbacks are not), and each model is entered once.
/// Step 5: when nothing was available anywhere (every deployment cooling down), the requested model's first deployment
/// is tried anyway, once: a request is never refused only because every circuit is open.
/// </remarks>
public sealed class RoutePlan
{
    private readonly GatewaySnapshot _snapshot;
    private readonly DeploymentHealthRegistry _registry;
    private readonly Random _random;
    private readonly TimeProvider _time;
    private readonly bool _stream;
    private readonly long? _promptTokens;
    private readonly Queue<ModelConfig> _pending = new();
    private readonly HashSet<string> _entered = new(StringComparer.Ordinal);
    private readonly List<RouteCandidate> _scratch = [];
    private ModelConfig? _model;
    private int[] _order = [];
    private int[] _tries = [];
    private bool[] _retryable = [];
    private TimeSpan?[] _retryAfter = [];
    private int _retriesUsed;
    private bool _fallbacksQueued;
    private bool _anyAttempt;
    private bool _bestEffortUsed;
    private bool _skippedRateLimited;

    private RoutePlan(GatewaySnapshot snapshot, ModelConfig requested, DeploymentHealthRegistry registry, Random random, TimeProvider time, bool stream, long? promptTokens)
    {
        _snapshot = snapshot;
        Requested = requested;
        _registry = registry;
        _random = random;
        _time = time;
        _stream = stream;
        _promptTokens = promptTokens;
        Enter(requested);
    }

    /// <summary>The model the client asked for.</summary>
    public ModelConfig Requested { get; }

    /// <summary>The class of the last failure reported, or <see langword="null"/>.</summary>
    public FailureClass? LastFailure { get; private set; }

    /// <summary>Plans a request for <paramref name="requested"/>.</summary>
    /// <param name="snapshot">The config and providers the request runs on.</param>
    /// <param name="requested">The requested model.</param>
    /// <param name="registry">Deployment health.</param>
    /// <param name="random">The randomness of the weighted and tie-breaking strategies.</param>
    /// <param name="time">The clock (prices are looked up at its now).</param>
    /// <param name="stream">Whether the request streams (least-latency then compares time to first token).</param>
    /// <param name="promptTokens">The prompt's estimated tokens, for <c>context_window</c>; <see langword="null"/> when unknown.</param>
    public static RoutePlan Create(GatewaySnapshot snapshot, ModelConfig requested, DeploymentHealthRegistry registry, Random random, TimeProvider time, bool stream, long? promptTokens) =>
        new(snapshot, requested, registry, random, time, stream, promptTokens);

    /// <summary>The deployment the plan would try first now, without taking it: what limits price a request by.</summary>
    public RouteTarget Preview()
    {
        if (_model is { } model)
        {
            foreach (var index in _order)
            {
                if (IsAvailable(model, index))
                {
                    return Target(model, index);
                }
            }
        }

        return Target(Requested, 0);
    }

    /// <summary>
    /// The next attempt, or <see langword="null"/> when every option is spent. With <paramref name="hedge"/>, only a
    /// deployment of the current model not yet tried and not in <paramref name="inFlight"/> (a hedge never waits or
    /// moves to a fallback).
    /// </summary>
    public PlannedAttempt? Next(bool hedge = false, IReadOnlyCollection<string>? inFlight = null)
    {
        while (true)
        {
            if (_model is { } model)
            {
                if (NextOnModel(model, hedge, inFlight) is { } planned)
                {
                    _anyAttempt = true;
                    return planned;
                }

                if (hedge)
                {
                    return null;
                }

                LeaveModel();
            }

            if (!hedge && _pending.TryDequeue(out var fallback))
            {
                Enter(fallback);
                continue;
            }

            if (hedge || _anyAttempt || _bestEffortUsed || LastFailure is not null)
            {
                return null;
            }

            // Step 5
            _bestEffortUsed = true;
            _anyAttempt = true;
            var first = RouteOrder(Requested)[0];
            return new PlannedAttempt(Target(Requested, first), first, _registry.For(Requested.Deployments[first]), TimeSpan.Zero);
        }
    }

    /// <summary>Records how an attempt of this plan failed.</summary>
    public void Failed(PlannedAttempt attempt, FailureClass failure, TimeSpan? retryAfter)
    {
        LastFailure = failure;
        if (!ReferenceEquals(attempt.Model, _model))
        {
            return;
        }

        _retryable[attempt.Index] = failure is FailureClass.Retryable or FailureClass.RateLimited;
        _retryAfter[attempt.Index] = retryAfter;
        if (failure is FailureClass.ContextWindow or FailureClass.ContentPolicy)
        {
            // Every deployment of a model shares its window and, as a rule, its policy: go to the fallbacks.
            LeaveModel();
        }
    }

    private PlannedAttempt? NextOnModel(ModelConfig model, bool hedge, IReadOnlyCollection<string>? inFlight)
    {
        // Step 2
        foreach (var index in _order)
        {
            if (_tries[index] != 0 || (inFlight is not null && inFlight.Contains(model.Deployments[index].Key)))
            {
                continue;
            }

            if (IsAvailable(model, index))
            {
                _tries[index]++;
                return new PlannedAttempt(Target(model, index), index, _registry.For(model.Deployments[index]), TimeSpan.Zero);
            }

            // A deployment skipped for its rate limit sends the request to the rate-limit fallbacks, as a 429 would.
            var health = _registry.For(model.Deployments[index]);
            _skippedRateLimited |= health.IsRateLimited ||
                (model.Routing.Strategy == RoutingStrategy.UsageBased && health.Utilization(model.Deployments[index]) > 1);
        }

        if (hedge || _retriesUsed >= model.Routing.Retries)
        {
            return null;
        }

        // Step 3
        var best = -1;
        foreach (var index in _order)
        {
            if (_tries[index] > 0 && _retryable[index] && (best < 0 || _tries[index] < _tries[best]))
            {
                best = index;
            }
        }

        if (best < 0)
        {
            return null;
        }

        _retriesUsed++;
        if (RetryBackoff.Delay(_retriesUsed, model.Routing, _retryAfter[best], _random) is not { } wait)
        {
            _retryable[best] = false;
            return NextOnModel(model, hedge, inFlight);
        }

        _tries[best]++;
        return new PlannedAttempt(Target(model, best), best, _registry.For(model.Deployments[best]), wait);
    }

    private void Enter(ModelConfig model)
    {
        _entered.Add(model.Name);
        if (model.Routing.ContextWindow is { } window && _promptTokens is { } prompt && prompt > window)
        {
            // Step 1: the prompt cannot fit, so no deployment of this model is called.
            LastFailure = FailureClass.ContextWindow;
            _model = null;
            QueueFallbacks();
            return;
        }

        _model = model;
        _order = RouteOrder(model);
        var count = model.Deployments.Count;
        _tries = new int[count];
        _retryable = new bool[count];
        _retryAfter = new TimeSpan?[count];
        _retriesUsed = 0;
    }

    private void LeaveModel()
    {
        _model = null;
        QueueFallbacks();
    }

    private void QueueFallbacks()
    {
        // Step 4
        if (_fallbacksQueued)
        {
            return;
        }

        _fallbacksQueued = true;
        var routing = Requested.Routing;
        switch (LastFailure ?? (_skippedRateLimited ? FailureClass.RateLimited : null))
        {
            case FailureClass.RateLimited:
                Queue(routing.RateLimitFallbacks);
                Queue(routing.Fallbacks);
                break;
            case FailureClass.ContextWindow:
                Queue(routing.ContextWindowFallbacks);
                break;
            case FailureClass.ContentPolicy:
                Queue(routing.ContentPolicyFallbacks);
                break;
            case FailureClass.Fatal:
                break;
            default:
                Queue(routing.Fallbacks);
                break;
        }
    }

    private void Queue(IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            if (!_entered.Contains(name) && _snapshot.Config.Models.TryGetValue(name, out var model) && !_pending.Contains(model))
            {
                _pending.Enqueue(model);
            }
        }
    }

    private int[] RouteOrder(ModelConfig model)
    {
        var strategy = model.Routing.Strategy;
        var now = _time.GetUtcNow();
        _scratch.Clear();
        for (var i = 0; i < model.Deployments.Count; i++)
        {
            var deployment = model.Deployments[i];
            var health = _registry.For(deployment);
            double? latency = null;
            decimal? price = null;
            var inFlight = 0;
            var utilization = 0.0;
            switch (strategy)
            {
                case RoutingStrategy.LeastLatency:
                    var stats = health.Snapshot();
                    latency = _stream ? stats.AverageTimeToFirstTokenMs ?? stats.AverageLatencyMs : stats.AverageLatencyMs;
                    break;
                case RoutingStrategy.LeastBusy:
                    inFlight = health.Snapshot().InFlight;
                    break;
                case RoutingStrategy.LowestCost:
                    if (_snapshot.Config.Providers.TryGetValue(deployment.Provider, out var provider) &&
                        _snapshot.Prices.Find(new PriceQuery(provider.Type, deployment.Model, now, deployment.Provider)) is { } found)
                    {
                        price = found.Input + (found.Output ?? 0m);
                    }

                    break;
                case RoutingStrategy.UsageBased:
                    utilization = health.Utilization(deployment);
                    break;
                default:
                    break;
            }

            _scratch.Add(new RouteCandidate(i, deployment.Weight, deployment.Priority, inFlight, latency, price, utilization));
        }

        RoutingStrategies.Order(strategy, _scratch, _random);
        var order = new int[_scratch.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = _scratch[i].Index;
        }

        return order;
    }

    private bool IsAvailable(ModelConfig model, int index)
    {
        var deployment = model.Deployments[index];
        var health = _registry.For(deployment);
        return health.IsAvailable &&
            (model.Routing.Strategy != RoutingStrategy.UsageBased || health.Utilization(deployment) <= 1);
    }

    private RouteTarget Target(ModelConfig model, int index)
    {
        var deployment = model.Deployments[index];
        if (!_snapshot.Providers.TryGetValue(deployment.Provider, out var provider))
        {
            // Config validation guarantees every deployment's provider exists; a snapshot without it is a bug.
            throw new GatewayException(500, "api_error", $"Provider '{deployment.Provider}' is not loaded.");
        }

        return new RouteTarget(model, deployment, _snapshot.Config.Providers[deployment.Provider], provider);
    }
}
