namespace Tollgate.Core.Configuration;

/// <summary>
/// A model's <c>hedging</c>: when the attempt in flight has not produced its first token after <see cref="Delay"/>
/// (or the <see cref="Percentile"/> of the deployment's observed times to first token), a second deployment is
/// started; the first to produce a token answers and the other is cancelled.
/// </summary>
public sealed record HedgingConfig
{
    /// <summary><c>delay</c> given as a duration; <see langword="null"/> when given as a percentile.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary><c>delay</c> given as <c>p50</c> to <c>p99.9</c>: that percentile of the deployment's time to first token.</summary>
    public double? Percentile { get; init; }

    /// <summary><c>max_delay</c>: the cap on a percentile delay, and the delay while too few times are known (20). Default 2 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary><c>max_attempts</c>: attempts in flight at once, the first included. Default 2.</summary>
    public int MaxAttempts { get; init; } = 2;
}
