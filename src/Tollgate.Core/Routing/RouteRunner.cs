using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Tollgate.Core.Configuration;
using Tollgate.Core.Errors;
using Tollgate.Core.Pipeline;
using Tollgate.Providers;

namespace Tollgate.Core.Routing;

/// <summary>
/// Runs a request's attempts along its <see cref="RoutePlan"/>: retries, failover, fallbacks, the end-to-end deadline
/// and hedging. A surface's terminal gives it two steps: <c>start</c>, which calls one deployment and runs to the
/// answer's first token (or the whole answer) without writing anything to the client, and <c>write</c>, which sends the
/// winning answer. Failover happens only during <c>start</c>, so a client never sees a byte of an attempt that lost.
/// </summary>
/// <remarks>
/// Step 1: the deadline: the model's <c>timeout</c> and the client's <c>x-tollgate-timeout</c>, the shorter, counted from
/// when the request arrived. It ends every attempt and wait; passing it answers 504 <c>deadline_exceeded</c>.
/// Step 2: start the plan's next attempt (after its backoff, unless the backoff would outlast the deadline: then the
/// last failure is the answer).
/// Step 3: with hedging, when no attempt has produced a first token after the hedging delay, start the next untried
/// deployment beside it, up to <c>hedging.max_attempts</c> at once.
/// Step 4: the first attempt to start successfully wins; the others are cancelled (and their answers released). A
/// failure is classified: retryable ones and 429s go on along the plan, context-window and content-policy refusals go
/// to their fallbacks, and anything else ends the request with that error.
/// Step 5: the winner's target becomes the request's (metering and limits price by it), and its answer is written.
/// Every attempt's outcome goes to its deployment's health, and to the log.
/// </remarks>
public sealed partial class RouteRunner(TimeProvider time, ILogger<RouteRunner> logger)
{
    /// <summary>Runs the request's attempts and writes the winner's answer.</summary>
    public async Task RunAsync<T>(GatewayContext context, Func<RouteAttempt, Task<T>> start, Func<T, RouteAttempt, Task> write)
        where T : class, IAsyncDisposable
    {
        var plan = context.Route ?? throw new InvalidOperationException("Routing has not run.");

        // Step 1
        var deadline = Shorter(plan.Requested.Routing.Timeout, context.ClientTimeout);
        using var deadlineSource = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        using var abortLink = context.RequestAborted.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), deadlineSource);
        if (deadline is { } limit)
        {
            var left = limit - time.GetElapsedTime(context.StartTimestamp);
            if (left <= TimeSpan.Zero)
            {
                throw DeadlineExceeded(limit, context);
            }

            deadlineSource.CancelAfter(left);
        }

        var (attempt, answer) = await StartAsync(context, plan, start, deadline, deadlineSource.Token);

        // Step 5
        context.Target = attempt.Target;
        attempt.MarkFirstToken();
        var record = attempt.Record;
        record.Won = true;
        try
        {
            await write(answer, attempt);
            var outcome = context.StatusCode >= 500 ? AttemptOutcome.Failed : AttemptOutcome.Succeeded;
            Complete(context, attempt, record, outcome);
            if (context.Usage is { } usage)
            {
                attempt.Planned.Health.AddTokens(usage.TotalTokens);
            }
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            Complete(context, attempt, record, AttemptOutcome.Failed);
            throw deadline is { } passed && deadlineSource.IsCancellationRequested
                ? DeadlineExceeded(passed, context)
                : AttemptTimeout(attempt.ExpiredTimeout ?? "idle_timeout");
        }
        catch (Exception ex)
        {
            Complete(context, attempt, record, context.RequestAborted.IsCancellationRequested ? AttemptOutcome.Cancelled : Outcome(FailureClassifier.Classify(ex)));
            throw;
        }
        finally
        {
            await answer.DisposeAsync();
            attempt.Dispose();
        }
    }

    private async Task<(RouteAttempt Attempt, T Answer)> StartAsync<T>(
        GatewayContext context, RoutePlan plan, Func<RouteAttempt, Task<T>> start, TimeSpan? deadline, CancellationToken deadlineToken)
        where T : class, IAsyncDisposable
    {
        var running = new List<(RouteAttempt Attempt, Task<T> Task)>(2);
        Exception? lastFailure = null;
        var hedgeSpent = false;
        try
        {
            while (true)
            {
                // Step 2
                if (running.Count == 0)
                {
                    if (plan.Next() is not { } planned)
                    {
                        throw Exhausted(lastFailure);
                    }

                    if (planned.Wait > TimeSpan.Zero)
                    {
                        if (deadline is { } limit && time.GetElapsedTime(context.StartTimestamp) + planned.Wait >= limit && lastFailure is not null)
                        {
                            ExceptionDispatchInfo.Throw(lastFailure);
                        }

                        await Task.Delay(planned.Wait, time, deadlineToken).ConfigureAwait(false);
                    }

                    running.Add(Launch(context, planned, hedge: false, start, deadlineToken));
                }

                // Step 3
                Task? hedgeTimer = null;
                using var hedgeCancel = new CancellationTokenSource();
                var hedging = running[0].Attempt.Planned.Model.Routing.Hedging;
                if (hedging is not null && !hedgeSpent && running.Count < hedging.MaxAttempts)
                {
                    var newest = running[^1].Attempt;
                    var wait = HedgeDelay(hedging, newest.Planned.Health) - time.GetElapsedTime(newest.StartTimestamp);
                    hedgeTimer = Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, hedgeCancel.Token);
                }

                Task done;
                if (hedgeTimer is null && running.Count == 1)
                {
                    // The usual case: one attempt and nothing to race it; it is awaited below.
                    done = running[0].Task;
                }
                else
                {
                    var tasks = new Task[running.Count + (hedgeTimer is null ? 0 : 1)];
                    for (var i = 0; i < running.Count; i++)
                    {
                        tasks[i] = running[i].Task;
                    }

                    if (hedgeTimer is not null)
                    {
                        tasks[^1] = hedgeTimer;
                    }

                    done = await Task.WhenAny(tasks).ConfigureAwait(false);
                    await hedgeCancel.CancelAsync();
                }

                if (done == hedgeTimer)
                {
                    var inFlight = running.Select(r => r.Attempt.Target.Deployment.Key).ToHashSet(StringComparer.Ordinal);
                    if (plan.Next(hedge: true, inFlight) is { } hedge)
                    {
                        running.Add(Launch(context, hedge, hedge: true, start, deadlineToken));
                    }
                    else
                    {
                        hedgeSpent = true;
                    }

                    continue;
                }

                // Step 4
                var index = running.FindIndex(r => r.Task == done);
                var (attempt, task) = running[index];
                running.RemoveAt(index);
                var record = attempt.Record;
                try
                {
                    var answer = await task.ConfigureAwait(false);
                    return (attempt, answer);
                }
                catch (Exception ex) when (context.RequestAborted.IsCancellationRequested)
                {
                    Complete(context, attempt, record, AttemptOutcome.Cancelled);
                    attempt.Dispose();
                    ExceptionDispatchInfo.Throw(ex is OperationCanceledException ? ex : new OperationCanceledException(context.RequestAborted));
                }
                catch (OperationCanceledException) when (deadlineToken.IsCancellationRequested)
                {
                    Complete(context, attempt, record, AttemptOutcome.Cancelled);
                    attempt.Dispose();
                    throw DeadlineExceeded(deadline!.Value, context);
                }
                catch (Exception ex)
                {
                    var failure = ex is OperationCanceledException && attempt.ExpiredTimeout is { } expired ? AttemptTimeout(expired) : ex;
                    var failureClass = FailureClassifier.Classify(failure);
                    var retryAfter = (failure as ProviderException)?.RetryAfter;
                    record.StatusCode = failure switch
                    {
                        ProviderException p => p.StatusCode,
                        GatewayException g => g.StatusCode,
                        _ => null,
                    };
                    Complete(context, attempt, record, Outcome(failureClass), retryAfter);
                    attempt.Dispose();

                    // Until an attempt wins, the request is attributed to the last deployment that failed it.
                    context.Target = attempt.Target;
                    LogAttemptFailed(logger, context.RequestId, attempt.Number, attempt.Target.Model.Name, attempt.Target.Deployment.Key, record.StatusCode ?? 0, failureClass);
                    if (failureClass == FailureClass.Fatal)
                    {
                        ExceptionDispatchInfo.Throw(failure);
                    }

                    lastFailure = failure;
                    plan.Failed(attempt.Planned, failureClass, retryAfter);
                }
            }
        }
        catch (OperationCanceledException) when (deadlineToken.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested && deadline is { } limit)
        {
            // The deadline passed during a backoff.
            throw DeadlineExceeded(limit, context);
        }
        finally
        {
            // Losers (or everything, when the request failed) are cancelled; their answers are released when they end.
            foreach (var (attempt, task) in running)
            {
                attempt.CancelByRunner();
                _ = ReleaseAsync(context, attempt, task);
            }
        }
    }

    private (RouteAttempt, Task<T>) Launch<T>(GatewayContext context, PlannedAttempt planned, bool hedge, Func<RouteAttempt, Task<T>> start, CancellationToken deadlineToken)
    {
        var record = new RouteAttemptRecord(context.Attempts.Count + 1, planned.Model.Name, planned.Target.Deployment.Key, hedge);
        context.Attempts.Add(record);
        var attempt = new RouteAttempt(planned, record, hedge, time, context.RequestAborted, deadlineToken);
        attempt.IsProbe = planned.Health.Begin();
        LogAttemptStarted(logger, context.RequestId, attempt.Number, planned.Model.Name, planned.Target.Deployment.Key, hedge);
        return (attempt, planned.Model.Routing.Hedging is null ? StartNow(start, attempt) : StartBesideAsync(start, attempt));
    }

    private static Task<T> StartNow<T>(Func<RouteAttempt, Task<T>> start, RouteAttempt attempt)
    {
        try
        {
            return start(attempt);
        }
        catch (Exception ex)
        {
            // A start step that throws before its first await fails its attempt like any other.
            return Task.FromException<T>(ex);
        }
    }

    private static async Task<T> StartBesideAsync<T>(Func<RouteAttempt, Task<T>> start, RouteAttempt attempt)
    {
        // Yield first, so a provider that does synchronous work before its first await cannot hold up the hedge timer.
        await Task.Yield();
        return await start(attempt).ConfigureAwait(false);
    }

    private async Task ReleaseAsync<T>(GatewayContext context, RouteAttempt attempt, Task<T> task)
        where T : class, IAsyncDisposable
    {
        var record = attempt.Record;
        try
        {
            var answer = await task.ConfigureAwait(false);
            await answer.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ProviderException or HttpRequestException or IOException)
        {
            // A cancelled hedge ends like this; its outcome is 'cancelled' either way.
        }
        catch (Exception ex)
        {
            LogReleaseFailed(logger, context.RequestId, attempt.Number, ex);
        }
        finally
        {
            Complete(context, attempt, record, AttemptOutcome.Cancelled);
            attempt.Dispose();
        }
    }

    private void Complete(GatewayContext context, RouteAttempt attempt, RouteAttemptRecord record, AttemptOutcome outcome, TimeSpan? retryAfter = null)
    {
        if (record.Outcome is not null)
        {
            return;
        }

        record.Outcome = outcome;
        var stream = context.Stream;
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var elapsedMs = time.GetElapsedTime(attempt.StartTimestamp).TotalMilliseconds;
            LogAttemptEnded(logger, context.RequestId, attempt.Number, record.Deployment, outcome, elapsedMs);
        }
        double? ttft = null;
        double? latency = null;
        if (outcome == AttemptOutcome.Succeeded)
        {
            var now = time.GetTimestamp();
            latency = time.GetElapsedTime(attempt.StartTimestamp, now).TotalMilliseconds;
            if (stream && attempt.FirstTokenTimestamp is { } first)
            {
                ttft = time.GetElapsedTime(attempt.StartTimestamp, first).TotalMilliseconds;
            }
        }

        attempt.Planned.Health.Complete(outcome, attempt.IsProbe, attempt.Planned.Model.Routing.CircuitBreaker, ttft, latency, retryAfter);
    }

    private static TimeSpan HedgeDelay(HedgingConfig hedging, DeploymentHealth health)
    {
        if (hedging.Delay is { } fixedDelay)
        {
            return fixedDelay;
        }

        return health.TimeToFirstTokenPercentile(hedging.Percentile ?? 95, minSamples: 20) is { } ms
            ? TimeSpan.FromMilliseconds(Math.Min(ms, hedging.MaxDelay.TotalMilliseconds))
            : hedging.MaxDelay;
    }

    private static AttemptOutcome Outcome(FailureClass failure) => failure switch
    {
        FailureClass.Retryable => AttemptOutcome.Failed,
        FailureClass.RateLimited => AttemptOutcome.RateLimited,
        _ => AttemptOutcome.Rejected,
    };

    private static TimeSpan? Shorter(TimeSpan? a, TimeSpan? b) => (a, b) switch
    {
        (null, _) => b,
        (_, null) => a,
        var (x, y) => x < y ? x : y,
    };

    private static Exception Exhausted(Exception? lastFailure) =>
        lastFailure ?? new GatewayException(503, "api_error", "No deployment of this model is available.", "no_deployment_available");

    private static GatewayException DeadlineExceeded(TimeSpan deadline, GatewayContext context) =>
        new(504, "timeout_error", $"The request did not complete within its deadline of {deadline.TotalMilliseconds:0} ms ({context.Attempts.Count} attempts).", "deadline_exceeded");

    private static ProviderException AttemptTimeout(string which) =>
        new(ProviderErrorKind.Timeout, 504, $"The upstream did not answer in time ({which}).")
        {
            ErrorType = "timeout_error",
            ErrorCode = "upstream_timeout",
        };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {RequestId} attempt {Number}: model {Model} on {Deployment} (hedge: {Hedge})")]
    private static partial void LogAttemptStarted(ILogger logger, string requestId, int number, string model, string deployment, bool hedge);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId} attempt {Number}: model {Model} on {Deployment} failed with {Status} ({FailureClass})")]
    private static partial void LogAttemptFailed(ILogger logger, string requestId, int number, string model, string deployment, int status, FailureClass failureClass);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {RequestId} attempt {Number} on {Deployment} ended: {Outcome} after {ElapsedMs} ms")]
    private static partial void LogAttemptEnded(ILogger logger, string requestId, int number, string deployment, AttemptOutcome outcome, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId} attempt {Number}: releasing a cancelled attempt failed")]
    private static partial void LogReleaseFailed(ILogger logger, string requestId, int number, Exception exception);
}
