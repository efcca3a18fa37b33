using Tollgate.Core.Configuration;

namespace Tollgate.Core.Routing;

/// <summary>
/// The wait before trying a deployment again: exponential backoff with equal jitter (half the step fixed, half random,
/// so retries spread out but never come back at once), and at least the upstream's Retry-After when it gave one.
/// </summary>
public static class RetryBackoff
{
    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1 for the first) of a deployment, or
    /// <see langword="null"/> when the upstream's <paramref name="retryAfter"/> is longer than the model's
    /// <c>backoff.max_retry_after</c> (the deployment is then not retried in this request).
    /// </summary>
    public static TimeSpan? Delay(int retry, RoutingConfig routing, TimeSpan? retryAfter, Random random)
    {
        if (retryAfter is { } upstream && upstream > routing.MaxRetryAfter)
        {
            return null;
        }

        var exponent = Math.Min(Math.Max(retry - 1, 0), 30);
        var step = Math.Min(routing.BackoffInitial.TotalMilliseconds * Math.Pow(2, exponent), routing.BackoffMax.TotalMilliseconds);
        var jittered = TimeSpan.FromMilliseconds((step / 2) + (random.NextDouble() * step / 2));
        return retryAfter is { } wait && wait > jittered ? wait : jittered;
    }
}
