using System.Diagnostics;
using Tollgate.Core.Configuration;
using Tollgate.Core.Errors;
using Tollgate.Core.Routing;
using Tollgate.Providers;
using static Tollgate.Core.Tests.Routing.RouteBed;

namespace Tollgate.Core.Tests.Routing;

public sealed class RouteRunnerTests
{
    [Fact]
    public async Task RunAsync_RetryableFailures_FailOverInOrderToTheNextDeployment()
    {
        var bed = new RouteBed(Model("m", "a/x,b/y,c/z"));
        bed.Script["a/x"] = Fails(503);
        bed.Script["b/y"] = _ => Task.FromException<string>(new ProviderException(ProviderErrorKind.Unreachable, 502, "refused"));
        var context = bed.Context("m");

        var answer = await bed.RunAsync(context);

        Assert.Equal("c/z", answer);
        Assert.Equal(["a/x", "b/y", "c/z"], bed.Started);
        Assert.Equal("c/z", context.Target!.Deployment.Key);
        Assert.Equal([AttemptOutcome.Failed, AttemptOutcome.Failed, AttemptOutcome.Succeeded], context.Attempts.Select(a => a.Outcome!.Value));
        Assert.Equal([503, 502, null], context.Attempts.Select(a => a.StatusCode));
        Assert.True(context.Attempts[2].Won);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task RunAsync_OtherClientError_EndsTheRequestWithoutRetry(int status)
    {
        var bed = new RouteBed(Model("m", "a/x,b/y", new RoutingConfig { Retries = 3, Fallbacks = ["f"] }), Model("f", "c/z"));
        bed.Script["a/x"] = Fails(status);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => bed.RunAsync(bed.Context("m")));

        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(["a/x"], bed.Started);
    }

    [Fact]
    public async Task RunAsync_Retries_BackOffAndRetryTheSameDeployment()
    {
        var bed = new RouteBed(Model("m", "a/x", new RoutingConfig { Retries = 2, BackoffInitial = TimeSpan.FromMilliseconds(20), BackoffMax = TimeSpan.FromMilliseconds(40) }));
        var calls = 0;
        bed.Script["a/x"] = _ => ++calls < 3 ? Task.FromException<string>(new ProviderException(ProviderErrorKind.Upstream, 500, "boom")) : Task.FromResult("third time");
        var context = bed.Context("m");

        Assert.Equal("third time", await bed.RunAsync(context));
        Assert.Equal(["a/x", "a/x", "a/x"], bed.Started);
        Assert.Equal(3, context.Attempts.Count);
    }

    [Fact]
    public async Task RunAsync_NoRetriesLeft_ThrowsTheLastFailure()
    {
        var bed = new RouteBed(Model("m", "a/x,b/y", new RoutingConfig { Retries = 1, BackoffInitial = TimeSpan.FromMilliseconds(1), BackoffMax = TimeSpan.FromMilliseconds(1) }));
        bed.Script["a/x"] = Fails(500);
        bed.Script["b/y"] = Fails(503);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => bed.RunAsync(bed.Context("m")));

        Assert.Equal(["a/x", "b/y", "a/x"], bed.Started);
        Assert.Equal(500, ex.StatusCode);
    }

    [Fact]
    public async Task RunAsync_RetryAfter_IsWaitedBeforeTheRetry()
    {
        var bed = new RouteBed(Model("m", "a/x", new RoutingConfig { Retries = 1, BackoffInitial = TimeSpan.FromMilliseconds(1) }));
        var times = new List<long>();
        bed.Script["a/x"] = _ =>
        {
            times.Add(Stopwatch.GetTimestamp());
            return times.Count == 1
                ? Task.FromException<string>(new ProviderException(ProviderErrorKind.Upstream, 429, "slow down") { RetryAfter = TimeSpan.FromMilliseconds(300) })
                : Task.FromResult("ok");
        };

        Assert.Equal("ok", await bed.RunAsync(bed.Context("m")));
        Assert.True(Stopwatch.GetElapsedTime(times[0], times[1]) >= TimeSpan.FromMilliseconds(290), $"waited {Stopwatch.GetElapsedTime(times[0], times[1])}");
    }

    [Fact]
    public async Task RunAsync_RetryAfterOverTheMaximum_GoesElsewhereAtOnce()
    {
        var bed = new RouteBed(Model("m", "a/x", new RoutingConfig { Retries = 2, MaxRetryAfter = TimeSpan.FromSeconds(1), RateLimitFallbacks = ["f"] }), Model("f", "b/y"));
        bed.Script["a/x"] = Fails(429, retryAfter: TimeSpan.FromSeconds(30));
        var started = Stopwatch.GetTimestamp();

        Assert.Equal("b/y", await bed.RunAsync(bed.Context("m")));
        Assert.Equal(["a/x", "b/y"], bed.Started);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task RunAsync_ModelSpent_TriesFallbacksInOrder()
    {
        var bed = new RouteBed(
            Model("m", "a/x,b/y", new RoutingConfig { Fallbacks = ["f1", "f2"] }),
            Model("f1", "c/z"),
            Model("f2", "d/w,e/v"));
        bed.Script["a/x"] = Fails(500);
        bed.Script["b/y"] = Fails(502);
        bed.Script["c/z"] = Fails(503);
        bed.Script["d/w"] = Fails(529);
        var context = bed.Context("m");

        Assert.Equal("e/v", await bed.RunAsync(context));
        Assert.Equal(["a/x", "b/y", "c/z", "d/w", "e/v"], bed.Started);
        Assert.Equal(["m", "m", "f1", "f2", "f2"], context.Attempts.Select(a => a.Model));
        Assert.Equal("f2", context.Target!.Model.Name);
    }

    [Fact]
    public async Task RunAsync_RateLimited_TriesRateLimitFallbacksBeforeFallbacks()
    {
        var bed = new RouteBed(
            Model("m", "a/x", new RoutingConfig { Fallbacks = ["general"], RateLimitFallbacks = ["spare"] }),
            Model("general", "b/y"),
            Model("spare", "c/z"));
        bed.Script["a/x"] = Fails(429);
        bed.Script["c/z"] = Fails(429);

        Assert.Equal("b/y", await bed.RunAsync(bed.Context("m")));
        Assert.Equal(["a/x", "c/z", "b/y"], bed.Started);
    }

    [Fact]
    public async Task RunAsync_ContextWindowError_SkipsTheModelsOtherDeploymentsForTheLargerModel()
    {
        var bed = new RouteBed(
            Model("m", "a/x,b/y", new RoutingConfig { Fallbacks = ["general"], ContextWindowFallbacks = ["big"] }),
            Model("general", "c/z"),
            Model("big", "d/w"));
        bed.Script["a/x"] = Fails(400, code: "context_length_exceeded", message: "This model's maximum context length is 8192 tokens.");

        Assert.Equal("d/w", await bed.RunAsync(bed.Context("m")));
        Assert.Equal(["a/x", "d/w"], bed.Started);
    }

    [Fact]
    public async Task RunAsync_PromptOverContextWindow_GoesStraightToTheLargerModel()
    {
        var bed = new RouteBed(
            Model("m", "a/x", new RoutingConfig { ContextWindow = 1000, ContextWindowFallbacks = ["big"] }),
            Model("big", "d/w"));

        Assert.Equal("d/w", await bed.RunAsync(bed.Context("m", promptTokens: 5000)));
        Assert.Equal(["d/w"], bed.Started);
    }

    [Fact]
    public async Task RunAsync_ContentPolicyRefusal_TriesContentPolicyFallbacks()
    {
        var bed = new RouteBed(
            Model("m", "a/x,b/y", new RoutingConfig { ContentPolicyFallbacks = ["lenient"] }),
            Model("lenient", "c/z"));
        bed.Script["a/x"] = Fails(400, code: "content_filter", message: "The response was filtered.");

        Assert.Equal("c/z", await bed.RunAsync(bed.Context("m")));
        Assert.Equal(["a/x", "c/z"], bed.Started);
    }

    [Fact]
    public async Task RunAsync_Deadline_BoundsAllAttemptsTogether()
    {
        var deadline = TimeSpan.FromMilliseconds(300);
        var bed = new RouteBed(Model("m", "a/x,b/y,c/z", new RoutingConfig { Timeout = deadline, FirstTokenTimeout = TimeSpan.FromMilliseconds(200) }));
        bed.Script["a/x"] = Hangs();
        bed.Script["b/y"] = Hangs();
        bed.Script["c/z"] = Hangs();
        var context = bed.Context("m");

        var ex = await Assert.ThrowsAsync<GatewayException>(() => bed.RunAsync(context));

        var elapsed = bed.Time.GetElapsedTime(context.StartTimestamp);
        Assert.Equal(504, ex.StatusCode);
        Assert.Equal("deadline_exceeded", ex.Code);
        Assert.InRange(elapsed, deadline, deadline + TimeSpan.FromMilliseconds(250));
        Assert.Equal(["a/x", "b/y"], bed.Started);
        Assert.Equal(AttemptOutcome.Failed, context.Attempts[0].Outcome);
        Assert.Equal(504, context.Attempts[0].StatusCode);
    }

    [Fact]
    public async Task RunAsync_ClientTimeoutShorterThanModelTimeout_Wins()
    {
        var bed = new RouteBed(Model("m", "a/x", new RoutingConfig { Timeout = TimeSpan.FromSeconds(30) }));
        bed.Script["a/x"] = Hangs();
        var context = bed.Context("m", clientTimeout: TimeSpan.FromMilliseconds(100));

        var ex = await Assert.ThrowsAsync<GatewayException>(() => bed.RunAsync(context));

        Assert.Equal("deadline_exceeded", ex.Code);
        Assert.True(bed.Time.GetElapsedTime(context.StartTimestamp) < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task RunAsync_FirstTokenTimeout_FailsOverToTheNextDeployment()
    {
        var bed = new RouteBed(Model("m", "a/x,b/y", new RoutingConfig { FirstTokenTimeout = TimeSpan.FromMilliseconds(100) }));
        bed.Script["a/x"] = Hangs();
        var context = bed.Context("m");

        Assert.Equal("b/y", await bed.RunAsync(context));
        Assert.Equal(AttemptOutcome.Failed, context.Attempts[0].Outcome);
        Assert.Equal(1, bed.Registry.For(context.Route!.Requested.Deployments[0]).Snapshot().ConsecutiveFailures);
    }

    [Fact]
    public async Task RunAsync_Hedging_SecondDeploymentWinsAndTheFirstIsCancelled()
    {
        var bed = new RouteBed(Model("m", "a/x,b/y", new RoutingConfig { Hedging = new HedgingConfig { Delay = TimeSpan.FromMilliseconds(50) } }));
        var firstCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bed.Script["a/x"] = async attempt =>
        {
            using var registration = attempt.Token.Register(() => firstCancelled.TrySetResult());
            await Task.Delay(TimeSpan.FromSeconds(5), attempt.Token);
            return "slow";
        };
        bed.Script["b/y"] = AnswersAfter(TimeSpan.FromMilliseconds(10), "fast");
        var context = bed.Context("m");

        Assert.Equal("fast", await bed.RunAsync(context));
        await firstCancelled.Task.WaitAsync(TestTimeout);
        Assert.Equal(["a/x", "b/y"], bed.Started);
        Assert.True(context.Attempts[1].Hedge);
        Assert.True(context.Attempts[1].Won);
        Assert.Equal("b/y", context.Target!.Deployment.Key);
        var health = bed.Registry.For(context.Route!.Requested.Deployments[0]);
        await Poll(() => health.Snapshot().InFlight == 0);
        Assert.Equal(AttemptOutcome.Cancelled, context.Attempts[0].Outcome);
        Assert.Equal(0, health.Snapshot().ConsecutiveFailures);
    }

    [Fact]
    public async Task RunAsync_HedgingFirstAnswersInTime_StartsNoHedge()
    {
        var bed = new RouteBed(Model("m", "a/x,b/y", new RoutingConfig { Hedging = new HedgingConfig { Delay = TimeSpan.FromSeconds(2) } }));
        bed.Script["a/x"] = AnswersAfter(TimeSpan.FromMilliseconds(20), "first");

        Assert.Equal("first", await bed.RunAsync(bed.Context("m")));
        Assert.Equal(["a/x"], bed.Started);
    }

    [Fact]
    public async Task RunAsync_HedgeFails_FirstStillAnswers()
    {
        var bed = new RouteBed(Model("m", "a/x,b/y", new RoutingConfig { Hedging = new HedgingConfig { Delay = TimeSpan.FromMilliseconds(30) } }));
        bed.Script["a/x"] = AnswersAfter(TimeSpan.FromMilliseconds(200), "first");
        bed.Script["b/y"] = Fails(503);
        var context = bed.Context("m");

        Assert.Equal("first", await bed.RunAsync(context));
        Assert.Equal(["a/x", "b/y"], bed.Started);
        Assert.True(context.Attempts[0].Won);
    }

    [Fact]
    public async Task RunAsync_CircuitOpen_SkipsTheDeploymentUntilCooldownEnds()
    {
        var breaker = new CircuitBreakerConfig { Failures = 2, Cooldown = TimeSpan.FromMilliseconds(300) };
        var bed = new RouteBed(Model("m", "a/x,b/y", new RoutingConfig { CircuitBreaker = breaker }));
        bed.Script["a/x"] = Fails(500);

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("b/y", await bed.RunAsync(bed.Context("m")));
        }

        bed.Started.Clear();
        Assert.Equal("b/y", await bed.RunAsync(bed.Context("m")));
        Assert.Equal(["b/y"], bed.Started);
        var health = bed.Registry.For(new DeploymentConfig { Provider = "a", Model = "x" });
        Assert.Equal(DeploymentState.CoolingDown, health.Snapshot().State);

        // Recovery: after the cooldown the next request probes a/x, which now answers, and closes its circuit.
        bed.Script.Remove("a/x");
        await Poll(() => health.IsAvailable);
        bed.Started.Clear();
        Assert.Equal("a/x", await bed.RunAsync(bed.Context("m")));
        Assert.Equal(DeploymentState.Healthy, health.Snapshot().State);
    }

    [Fact]
    public async Task RunAsync_EveryCircuitOpen_StillTriesTheFirstDeployment()
    {
        var bed = new RouteBed(Model("m", "a/x", new RoutingConfig { CircuitBreaker = new CircuitBreakerConfig { Failures = 1, Cooldown = TimeSpan.FromMinutes(5) } }));
        bed.Script["a/x"] = Fails(500);
        await Assert.ThrowsAsync<ProviderException>(() => bed.RunAsync(bed.Context("m")));
        bed.Script.Remove("a/x");

        Assert.Equal("a/x", await bed.RunAsync(bed.Context("m")));
    }

    [Fact]
    public async Task RunAsync_Weighted_SpreadsRequestsByWeight()
    {
        var bed = new RouteBed(new ModelConfig
        {
            Name = "m",
            Deployments = [new() { Provider = "a", Model = "x", Weight = 3 }, new() { Provider = "b", Model = "y", Weight = 1 }],
            Routing = new RoutingConfig { Strategy = RoutingStrategy.Weighted },
        });
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var random = new Random(11);
        for (var i = 0; i < 2000; i++)
        {
            var context = bed.Context("m");
            context.Route = RoutePlan.Create(context.Snapshot, context.Snapshot.Config.Models["m"], bed.Registry, random, bed.Time, stream: false, promptTokens: null);
            var answer = await bed.RunAsync(context);
            counts[answer] = counts.GetValueOrDefault(answer) + 1;
        }

        Assert.InRange(counts["a/x"] / 2000.0, 0.72, 0.78);
    }

    [Fact]
    public async Task RunAsync_StartThrowsSynchronously_FailsOverLikeAnyFailure()
    {
        var bed = new RouteBed(Model("m", "a/x,b/y"));
        bed.Script["a/x"] = _ => throw new ProviderException(ProviderErrorKind.Unreachable, 502, "refused");

        Assert.Equal("b/y", await bed.RunAsync(bed.Context("m")));
    }

    [Fact]
    public async Task RunAsync_HedgingByPercentileWithoutSamples_WaitsMaxDelay()
    {
        var bed = new RouteBed(Model("m", "a/x,b/y", new RoutingConfig { Hedging = new HedgingConfig { Percentile = 95, MaxDelay = TimeSpan.FromMilliseconds(150) } }));
        var hedgeStarted = 0L;
        var started = Stopwatch.GetTimestamp();
        bed.Script["a/x"] = AnswersAfter(TimeSpan.FromSeconds(5), "slow");
        bed.Script["b/y"] = _ =>
        {
            hedgeStarted = Stopwatch.GetTimestamp();
            return Task.FromResult("hedge");
        };

        Assert.Equal("hedge", await bed.RunAsync(bed.Context("m", stream: true)));
        Assert.InRange(Stopwatch.GetElapsedTime(started, hedgeStarted), TimeSpan.FromMilliseconds(140), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task RunAsync_IdleTimeoutWhileWriting_EndsTheAnswerAsATimeoutWithoutFailover()
    {
        var bed = new RouteBed(Model("m", "a/x,b/y", new RoutingConfig { IdleTimeout = TimeSpan.FromMilliseconds(100) }));
        var context = bed.Context("m");
        var written = 0;

        var ex = await Assert.ThrowsAsync<ProviderException>(() => bed.Runner.RunAsync(
            context,
            attempt => Task.FromResult(new PrimedAnswer<string>(attempt.Target.Deployment.Key)),
            async (_, attempt) =>
            {
                for (var i = 0; i < 3; i++)
                {
                    await Task.Delay(20, attempt.Token);
                    attempt.MarkProgress();
                    written++;
                }

                await Task.Delay(TimeSpan.FromSeconds(5), attempt.Token);
            }).WaitAsync(TestTimeout));

        Assert.Equal(504, ex.StatusCode);
        Assert.Contains("idle_timeout", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, written);
        Assert.Single(context.Attempts);
        Assert.Equal(AttemptOutcome.Failed, context.Attempts[0].Outcome);
    }

    [Fact]
    public async Task RunAsync_UsageBased_StaysUnderEachDeploymentsRpm()
    {
        var bed = new RouteBed(new ModelConfig
        {
            Name = "m",
            Deployments = [new() { Provider = "a", Model = "x", RequestsPerMinute = 5 }, new() { Provider = "b", Model = "y", RequestsPerMinute = 15 }],
            Routing = new RoutingConfig { Strategy = RoutingStrategy.UsageBased, Fallbacks = ["spare"] },
        }, Model("spare", "c/z"));
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);

        for (var i = 0; i < 25; i++)
        {
            var answer = await bed.RunAsync(bed.Context("m"));
            counts[answer] = counts.GetValueOrDefault(answer) + 1;
        }

        Assert.Equal(5, counts["a/x"]);
        Assert.Equal(15, counts["b/y"]);
        Assert.Equal(5, counts["c/z"]);
    }

    [Fact]
    public async Task RunAsync_UsageBased_LearnsCapacityFromA429()
    {
        var bed = new RouteBed(new ModelConfig
        {
            Name = "m",
            Deployments = [new() { Provider = "a", Model = "x", RequestsPerMinute = 100 }, new() { Provider = "b", Model = "y", RequestsPerMinute = 100 }],
            Routing = new RoutingConfig { Strategy = RoutingStrategy.UsageBased },
        });
        var calls = 0;
        bed.Script["a/x"] = attempt => ++calls == 4
            ? Task.FromException<string>(new ProviderException(ProviderErrorKind.Upstream, 429, "slow down") { RetryAfter = TimeSpan.FromMilliseconds(1) })
            : Task.FromResult(attempt.Target.Deployment.Key);
        for (var i = 0; i < 12; i++)
        {
            await bed.RunAsync(bed.Context("m"));
        }

        var stats = bed.Registry.For(new DeploymentConfig { Provider = "a", Model = "x" }).Snapshot();
        Assert.Equal(3, stats.LearnedRequestsPerMinute);
        Assert.Equal(4, calls);
        Assert.Equal(4, stats.RequestsLastMinute);
    }

    [Fact]
    public async Task RunAsync_LeastLatency_SendsMostRequestsToTheFasterDeployment()
    {
        var bed = new RouteBed(Model("m", "a/x,b/y", new RoutingConfig { Strategy = RoutingStrategy.LeastLatency }));
        bed.Script["a/x"] = AnswersAfter(TimeSpan.FromMilliseconds(40), "slow");
        bed.Script["b/y"] = AnswersAfter(TimeSpan.FromMilliseconds(1), "fast");
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);

        for (var i = 0; i < 20; i++)
        {
            var answer = await bed.RunAsync(bed.Context("m"));
            counts[answer] = counts.GetValueOrDefault(answer) + 1;
        }

        // Each is measured once (unmeasured first), then the faster one takes every request.
        Assert.Equal(1, counts["slow"]);
        Assert.Equal(19, counts["fast"]);
    }

    [Fact]
    public async Task RunAsync_LeastBusy_SpreadsConcurrentRequests()
    {
        var bed = new RouteBed(Model("m", "a/x,b/y,c/z", new RoutingConfig { Strategy = RoutingStrategy.LeastBusy }));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var key in new[] { "a/x", "b/y", "c/z" })
        {
            bed.Script[key] = async attempt =>
            {
                await release.Task.WaitAsync(attempt.Token);
                return attempt.Target.Deployment.Key;
            };
        }

        var running = new List<Task<string>>();
        for (var i = 0; i < 3; i++)
        {
            running.Add(bed.RunAsync(bed.Context("m")));
            await Poll(() => bed.Started.Count == running.Count);
        }

        release.SetResult();
        var answers = await Task.WhenAll(running).WaitAsync(TestTimeout);
        Assert.Equal(["a/x", "b/y", "c/z"], answers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RunAsync_LowestCost_PicksTheCheapestCatalogPrice()
    {
        var bed = new RouteBed(Model("m", "a/gpt-4o,b/gpt-4o-mini,c/gpt-4.1", new RoutingConfig { Strategy = RoutingStrategy.LowestCost }));
        bed.Script["b/gpt-4o-mini"] = Fails(503);

        Assert.Equal("c/gpt-4.1", await bed.RunAsync(bed.Context("m")));
        Assert.Equal(["b/gpt-4o-mini", "c/gpt-4.1"], bed.Started);
    }

    private static async Task Poll(Func<bool> condition)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(TestTimeout.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            Assert.True(Stopwatch.GetTimestamp() < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
