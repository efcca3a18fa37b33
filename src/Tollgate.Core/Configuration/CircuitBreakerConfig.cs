namespace Tollgate.Core.Configuration;

/// <summary>
/// A model's <c>circuit_breaker</c>: when a deployment is taken out of rotation. It opens after
/// <see cref="Failures"/> failures in a row, or when at least <see cref="MinRequests"/> attempts in
/// <see cref="Window"/> failed at <see cref="FailureRate"/> or more; it stays open for <see cref="Cooldown"/>, then lets
/// one probe through, which closes it on success and reopens it on failure.
/// </summary>
public sealed record CircuitBreakerConfig
{
    /// <summary>The defaults: on, 5 failures in a row or half of at least 10 attempts in 60 s, 30 s cooldown.</summary>
    public static CircuitBreakerConfig Default { get; } = new();

    /// <summary><c>enabled</c>. Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary><c>failures</c>: consecutive failures that open the circuit. Default 5.</summary>
    public int Failures { get; init; } = 5;

    /// <summary><c>failure_rate</c>: the share of failed attempts in the window that opens the circuit. Default 0.5.</summary>
    public double FailureRate { get; init; } = 0.5;

    /// <summary><c>min_requests</c>: attempts in the window before the rate applies. Default 10.</summary>
    public int MinRequests { get; init; } = 10;

    /// <summary><c>window</c>: how far back the failure rate looks. Default 60 s.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary><c>cooldown</c>: how long an open circuit keeps the deployment out. Default 30 s.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(30);
}
