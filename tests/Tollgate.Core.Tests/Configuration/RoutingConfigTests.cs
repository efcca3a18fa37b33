using Tollgate.Core.Configuration;
using static Tollgate.Core.Tests.Configuration.ConfigTestData;

namespace Tollgate.Core.Tests.Configuration;

public sealed class RoutingConfigTests
{
    private const string Providers = """
        providers:
          a: { type: simulated }
          b: { type: simulated }
        """;

    [Fact]
    public void Parse_EveryRoutingKey_YieldsRoutingConfig()
    {
        var result = Parse(Providers + """

            models:
              big: { deployments: [ { provider: a, model: big } ] }
              backup: { deployments: [ { provider: b, model: backup } ] }
              main:
                strategy: usage-based
                deployments:
                  - { provider: a, model: m1, weight: 3, priority: 2, rpm: 600, tpm: 100000 }
                  - { provider: b, model: m2 }
                retries: 3
                backoff: { initial: 100ms, max: 2s, max_retry_after: 10s }
                fallbacks: [backup]
                rate_limit_fallbacks: [backup, big]
                context_window_fallbacks: [big]
                content_policy_fallbacks: [backup]
                context_window: 8192
                circuit_breaker: { enabled: true, failures: 3, failure_rate: 0.25, min_requests: 4, window: 30s, cooldown: 5s }
                timeout: 20s
                first_token_timeout: 3s
                idle_timeout: 4s
                hedging: { delay: p90, max_delay: 1500ms, max_attempts: 3 }
            """);

        Assert.True(result.Success, string.Join("\n", result.Errors.Select(e => e.Format("tollgate.yaml"))));
        var model = result.Config!.Models["main"];
        var first = model.Deployments[0];
        Assert.Equal(3, first.Weight);
        Assert.Equal(2, first.Priority);
        Assert.Equal(600, first.RequestsPerMinute);
        Assert.Equal(100000, first.TokensPerMinute);
        Assert.Equal("a/m1", first.Key);
        Assert.Equal(1, model.Deployments[1].Weight);
        Assert.Null(model.Deployments[1].RequestsPerMinute);
        var routing = model.Routing;
        Assert.Equal(RoutingStrategy.UsageBased, routing.Strategy);
        Assert.Equal(3, routing.Retries);
        Assert.Equal(TimeSpan.FromMilliseconds(100), routing.BackoffInitial);
        Assert.Equal(TimeSpan.FromSeconds(2), routing.BackoffMax);
        Assert.Equal(TimeSpan.FromSeconds(10), routing.MaxRetryAfter);
        Assert.Equal(["backup"], routing.Fallbacks);
        Assert.Equal(["backup", "big"], routing.RateLimitFallbacks);
        Assert.Equal(["big"], routing.ContextWindowFallbacks);
        Assert.Equal(["backup"], routing.ContentPolicyFallbacks);
        Assert.Equal(8192, routing.ContextWindow);
        Assert.Equal(new CircuitBreakerConfig { Failures = 3, FailureRate = 0.25, MinRequests = 4, Window = TimeSpan.FromSeconds(30), Cooldown = TimeSpan.FromSeconds(5) }, routing.CircuitBreaker);
        Assert.Equal(TimeSpan.FromSeconds(20), routing.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(3), routing.FirstTokenTimeout);
        Assert.Equal(TimeSpan.FromSeconds(4), routing.IdleTimeout);
        Assert.Equal(new HedgingConfig { Percentile = 90, MaxDelay = TimeSpan.FromMilliseconds(1500), MaxAttempts = 3 }, routing.Hedging);
        Assert.Equal(RoutingConfig.Default, result.Config.Models["big"].Routing);
    }

    [Fact]
    public void Parse_NoRoutingKeys_KeepsDefaults()
    {
        var routing = Parse(Providers + "\nmodels:\n  m: { deployments: [ { provider: a, model: x } ] }\n").Config!.Models["m"].Routing;

        Assert.Equal(RoutingStrategy.Ordered, routing.Strategy);
        Assert.Equal(0, routing.Retries);
        Assert.Null(routing.Timeout);
        Assert.Null(routing.Hedging);
        Assert.True(routing.CircuitBreaker.Enabled);
        Assert.Equal(5, routing.CircuitBreaker.Failures);
    }

    [Fact]
    public void Parse_HedgingFixedDelay_ReadsDuration()
    {
        var hedging = Parse(Providers + "\nmodels:\n  m: { deployments: [ { provider: a, model: x } ], hedging: { delay: 250ms } }\n").Config!.Models["m"].Routing.Hedging;

        Assert.Equal(TimeSpan.FromMilliseconds(250), hedging!.Delay);
        Assert.Null(hedging.Percentile);
        Assert.Equal(2, hedging.MaxAttempts);
    }

    [Theory]
    [InlineData("strategy: fastest", "models.m.strategy", "unknown strategy 'fastest'")]
    [InlineData("strategy: least-latancy", "models.m.strategy", "(did you mean 'least-latency'?)")]
    [InlineData("retries: -1", "models.m.retries", "must be between 0 and 100")]
    [InlineData("fallbacks: [nope]", "models.m.fallbacks[0]", "unknown model 'nope'")]
    [InlineData("fallbacks: [m]", "models.m.fallbacks[0]", "a model cannot fall back to itself")]
    [InlineData("fallbacks: other", "models.m.fallbacks", "expected a list of model names")]
    [InlineData("timeout: 0s", "models.m.timeout", "must be greater than 0")]
    [InlineData("first_token_timeout: soon", "models.m.first_token_timeout", "expected a duration")]
    [InlineData("circuit_breaker: { failure_rate: 1.5 }", "models.m.circuit_breaker.failure_rate", "must be greater than 0 and at most 1")]
    [InlineData("circuit_breaker: { failurs: 3 }", "models.m.circuit_breaker.failurs", "unknown key 'failurs' (did you mean 'failures'?)")]
    [InlineData("hedging: { max_attempts: 3 }", "models.m.hedging", "missing required key 'delay'")]
    [InlineData("hedging: { delay: p100 }", "models.m.hedging.delay", "a percentile must be between p1 and p99.99")]
    [InlineData("hedging: { delay: later }", "models.m.hedging.delay", "expected a duration such as 500ms or a percentile such as p95")]
    [InlineData("backoff: { initial: 2s, max: 1s }", "models.m.backoff.max", "must not be less than 'initial'")]
    [InlineData("context_window: 0", "models.m.context_window", "must be between 1 and")]
    [InlineData("stratgy: ordered", "models.m.stratgy", "unknown key 'stratgy' (did you mean 'strategy'?)")]
    public void Parse_InvalidRoutingKey_ReportsPathAndLine(string line, string path, string message)
    {
        var error = SingleError(Providers + $"\nmodels:\n  other: {{ deployments: [ {{ provider: b, model: y }} ] }}\n  m:\n    deployments: [ {{ provider: a, model: x }} ]\n    {line}\n");

        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(8, error.Line);
    }

    [Theory]
    [InlineData("weight: -1", "models.m.deployments[0].weight", "must be between 0 and 1000000")]
    [InlineData("rpm: 0", "models.m.deployments[0].rpm", "must be between 1 and")]
    [InlineData("tpm: lots", "models.m.deployments[0].tpm", "expected an integer")]
    [InlineData("priorty: 1", "models.m.deployments[0].priorty", "unknown key 'priorty' (did you mean 'priority'?)")]
    public void Parse_InvalidDeploymentKey_ReportsPathAndLine(string entry, string path, string message)
    {
        var error = SingleError(Providers + $"\nmodels:\n  m:\n    deployments:\n      - {{ provider: a, model: x, {entry} }}\n");

        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(7, error.Line);
    }
}
