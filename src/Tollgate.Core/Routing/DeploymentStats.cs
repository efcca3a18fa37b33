namespace Tollgate.Core.Routing;

/// <summary>A point-in-time copy of one deployment's health, for strategies and <c>GET /admin/deployments</c>.</summary>
public sealed record DeploymentStats
{
    /// <summary><c>provider/model</c>.</summary>
    public required string Key { get; init; }

    /// <summary>Healthy, cooling down, probing or rate limited.</summary>
    public DeploymentState State { get; init; }

    /// <summary>The circuit breaker's state.</summary>
    public CircuitState Circuit { get; init; }

    /// <summary>Whether a new request may be sent to it now (a free probe slot counts).</summary>
    public bool Available { get; init; } = true;

    /// <summary>How long until an open circuit or a rate-limit cooldown ends; zero when none.</summary>
    public TimeSpan CooldownRemaining { get; init; }

    /// <summary>Attempts in flight now.</summary>
    public int InFlight { get; init; }

    /// <summary>Moving average of time to first token, in milliseconds; <see langword="null"/> before the first sample.</summary>
    public double? AverageTimeToFirstTokenMs { get; init; }

    /// <summary>Moving average of total latency, in milliseconds; <see langword="null"/> before the first sample.</summary>
    public double? AverageLatencyMs { get; init; }

    /// <summary>Time to first token percentiles (p50, p95, p99) over the last 256 answers.</summary>
    public (double? P50, double? P95, double? P99) TimeToFirstTokenMs { get; init; }

    /// <summary>Total latency percentiles (p50, p95, p99) over the last 256 answers.</summary>
    public (double? P50, double? P95, double? P99) LatencyMs { get; init; }

    /// <summary>Attempts that ended in the circuit breaker's window (succeeded or failed).</summary>
    public int WindowAttempts { get; init; }

    /// <summary>Failed attempts in the window.</summary>
    public int WindowFailures { get; init; }

    /// <summary>Failures in a row.</summary>
    public int ConsecutiveFailures { get; init; }

    /// <summary>Attempts started in the last minute.</summary>
    public long RequestsLastMinute { get; init; }

    /// <summary>Tokens used in the last minute.</summary>
    public long TokensLastMinute { get; init; }

    /// <summary>Requests per minute learned from a 429, when lower than the configured <c>rpm</c>.</summary>
    public long? LearnedRequestsPerMinute { get; init; }

    /// <summary>The upstream's last <c>x-ratelimit-remaining-requests</c>, while it applies.</summary>
    public long? RemainingRequests { get; init; }

    /// <summary>The upstream's last <c>x-ratelimit-remaining-tokens</c>, while it applies.</summary>
    public long? RemainingTokens { get; init; }

    /// <summary>The share of failed attempts in the window, 0 to 1.</summary>
    public double ErrorRate => WindowAttempts == 0 ? 0 : (double)WindowFailures / WindowAttempts;
}
