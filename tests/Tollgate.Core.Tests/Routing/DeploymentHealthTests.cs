using Microsoft.Extensions.Time.Testing;
using Tollgate.Core.Configuration;
using Tollgate.Core.Routing;

namespace Tollgate.Core.Tests.Routing;

public sealed class DeploymentHealthTests
{
    private static readonly CircuitBreakerConfig Breaker = new() { Failures = 3, FailureRate = 0.5, MinRequests = 10, Window = TimeSpan.FromSeconds(60), Cooldown = TimeSpan.FromSeconds(30) };

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-07T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Complete_ConsecutiveFailures_OpensCircuitForCooldownThenProbesBackIn()
    {
        var health = new DeploymentHealth("p/m", _time);

        Fail(health, 2);
        Assert.True(health.IsAvailable);
        Fail(health, 1);

        var open = health.Snapshot();
        Assert.False(health.IsAvailable);
        Assert.Equal(CircuitState.Open, open.Circuit);
        Assert.Equal(DeploymentState.CoolingDown, open.State);
        Assert.Equal(TimeSpan.FromSeconds(30), open.CooldownRemaining);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(health.IsAvailable);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(health.IsAvailable);
        Assert.Equal(DeploymentState.Probing, health.Snapshot().State);

        // One probe at a time: while it runs, the deployment takes nothing else.
        var probe = health.Begin();
        Assert.True(probe);
        Assert.False(health.IsAvailable);
        health.Complete(AttemptOutcome.Succeeded, probe, Breaker, latencyMs: 12);

        var closed = health.Snapshot();
        Assert.Equal(CircuitState.Closed, closed.Circuit);
        Assert.Equal(DeploymentState.Healthy, closed.State);
        Assert.Equal(0, closed.ConsecutiveFailures);
        Assert.True(health.IsAvailable);
    }

    [Fact]
    public void Complete_ProbeFails_ReopensForAnotherCooldown()
    {
        var health = new DeploymentHealth("p/m", _time);
        Fail(health, 3);
        _time.Advance(TimeSpan.FromSeconds(30));

        var probe = health.Begin();
        health.Complete(AttemptOutcome.Failed, probe, Breaker);

        Assert.False(health.IsAvailable);
        Assert.Equal(TimeSpan.FromSeconds(30), health.Snapshot().CooldownRemaining);
    }

    [Fact]
    public void Complete_FailureRateOverWindow_OpensCircuit()
    {
        var health = new DeploymentHealth("p/m", _time);
        for (var i = 0; i < 10; i++)
        {
            var failed = i % 2 == 1;
            var probe = health.Begin();
            health.Complete(failed ? AttemptOutcome.Failed : AttemptOutcome.Succeeded, probe, Breaker, latencyMs: 5);
            if (i < 9)
            {
                Assert.True(health.IsAvailable, $"still closed after {i + 1} attempts");
            }
        }

        var stats = health.Snapshot();
        Assert.Equal(CircuitState.Open, stats.Circuit);
        Assert.Equal(10, stats.WindowAttempts);
        Assert.Equal(0.5, stats.ErrorRate);
    }

    [Fact]
    public void Complete_OldFailuresLeaveTheWindow()
    {
        var health = new DeploymentHealth("p/m", _time);
        Fail(health, 2);
        _time.Advance(TimeSpan.FromSeconds(61));
        var probe = health.Begin();
        health.Complete(AttemptOutcome.Succeeded, probe, Breaker, latencyMs: 5);

        var stats = health.Snapshot();
        Assert.Equal(1, stats.WindowAttempts);
        Assert.Equal(0, stats.WindowFailures);
    }

    [Fact]
    public void Complete_Disabled_NeverOpens()
    {
        var health = new DeploymentHealth("p/m", _time);
        for (var i = 0; i < 20; i++)
        {
            health.Complete(AttemptOutcome.Failed, health.Begin(), Breaker with { Enabled = false });
        }

        Assert.True(health.IsAvailable);
        Assert.Equal(20, health.Snapshot().ConsecutiveFailures);
    }

    [Fact]
    public void Complete_RateLimited_RestsForRetryAfterAndLearnsCapacity()
    {
        var health = new DeploymentHealth("p/m", _time);
        var deployment = new DeploymentConfig { Provider = "p", Model = "m", RequestsPerMinute = 100 };
        for (var i = 0; i < 9; i++)
        {
            health.Complete(AttemptOutcome.Succeeded, health.Begin(), Breaker, latencyMs: 5);
        }

        health.Complete(AttemptOutcome.RateLimited, health.Begin(), Breaker, retryAfter: TimeSpan.FromSeconds(2));

        var stats = health.Snapshot();
        Assert.Equal(DeploymentState.RateLimited, stats.State);
        Assert.Equal(CircuitState.Closed, stats.Circuit);
        Assert.Equal(9, stats.LearnedRequestsPerMinute);
        Assert.False(health.IsAvailable);
        Assert.True(health.Utilization(deployment) > 1, "10 requests in the minute exceed the learned 9");

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(health.IsAvailable);

        // A minute later the requests have left the window and the learned cap lifts.
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Null(health.Snapshot().LearnedRequestsPerMinute);
        Assert.Equal(1 / 100.0, health.Utilization(deployment), 6);
    }

    [Fact]
    public void Utilization_CountsRequestsAndTokensAgainstRpmAndTpm()
    {
        var health = new DeploymentHealth("p/m", _time);
        var deployment = new DeploymentConfig { Provider = "p", Model = "m", RequestsPerMinute = 10, TokensPerMinute = 1000 };
        for (var i = 0; i < 4; i++)
        {
            health.Complete(AttemptOutcome.Succeeded, health.Begin(), Breaker, latencyMs: 5);
        }

        Assert.Equal(0.5, health.Utilization(deployment), 6);
        health.AddTokens(900);
        Assert.Equal(0.9, health.Utilization(deployment), 6);
        Assert.Equal(0, health.Utilization(new DeploymentConfig { Provider = "p", Model = "m" }));
    }

    [Fact]
    public void ObserveHeaders_NoRequestsRemaining_RestsUntilReset()
    {
        var health = new DeploymentHealth("p/m", _time);

        health.ObserveHeaders([new("x-ratelimit-remaining-requests", "0"), new("x-ratelimit-remaining-tokens", "1200"), new("x-ratelimit-reset-requests", "1m30s")]);

        var stats = health.Snapshot();
        Assert.False(health.IsAvailable);
        Assert.Equal(DeploymentState.RateLimited, stats.State);
        Assert.Equal(0, stats.RemainingRequests);
        Assert.Equal(1200, stats.RemainingTokens);
        _time.Advance(TimeSpan.FromSeconds(90));
        Assert.True(health.IsAvailable);
    }

    [Theory]
    [InlineData("1s", 1000)]
    [InlineData("6m0s", 360000)]
    [InlineData("20ms", 20)]
    [InlineData("1h2m3.5s", 3723500)]
    [InlineData("2", 2000)]
    public void TryParseReset_GoDurations_Parse(string text, double ms)
    {
        Assert.True(DeploymentHealth.TryParseReset(text, out var reset));
        Assert.Equal(ms, reset.TotalMilliseconds, 3);
    }

    [Fact]
    public void Snapshot_Latencies_AverageAndPercentiles()
    {
        var health = new DeploymentHealth("p/m", _time);
        for (var i = 1; i <= 100; i++)
        {
            health.Complete(AttemptOutcome.Succeeded, health.Begin(), Breaker, timeToFirstTokenMs: i, latencyMs: i * 10);
        }

        var stats = health.Snapshot();
        Assert.Equal((50, 95, 99), stats.TimeToFirstTokenMs);
        Assert.Equal((500, 950, 990), stats.LatencyMs);
        Assert.InRange(stats.AverageTimeToFirstTokenMs!.Value, 90, 100);
        Assert.Equal(0, stats.InFlight);
        Assert.Equal(95, health.TimeToFirstTokenPercentile(95, minSamples: 20));
        Assert.Null(health.TimeToFirstTokenPercentile(95, minSamples: 101));
    }

    private static void Fail(DeploymentHealth health, int times)
    {
        for (var i = 0; i < times; i++)
        {
            health.Complete(AttemptOutcome.Failed, health.Begin(), Breaker);
        }
    }

    [Fact]
    public void Windows_ManyRequestsAcrossSlices_CountEveryRequestAndForgetThemAfterTheWindow()
    {
        var health = new DeploymentHealth("p/m", _time);

        // 30 seconds of 100 requests a second, every tenth failing: 3,000 attempts in 30 slices.
        for (var second = 0; second < 30; second++)
        {
            for (var i = 0; i < 100; i++)
            {
                var probe = health.Begin();
                health.Complete(i % 10 == 0 ? AttemptOutcome.Failed : AttemptOutcome.Succeeded, probe, Breaker with { Failures = 1_000_000 });
                health.AddTokens(2);
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var during = health.Snapshot();
        _time.Advance(TimeSpan.FromSeconds(61));
        var probeAfter = health.Begin();
        health.Complete(AttemptOutcome.Succeeded, probeAfter, Breaker);
        var after = health.Snapshot();

        Assert.Equal((3_000, 300), (during.WindowAttempts, during.WindowFailures));
        Assert.Equal((3_000L, 6_000L), (during.RequestsLastMinute, during.TokensLastMinute));
        Assert.Equal((1, 0), (after.WindowAttempts, after.WindowFailures));
        Assert.Equal((1L, 0L), (after.RequestsLastMinute, after.TokensLastMinute));
    }
}
