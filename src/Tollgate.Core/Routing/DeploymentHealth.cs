using Tollgate.Core.Configuration;

namespace Tollgate.Core.Routing;

/// <summary>
/// The live health of one deployment (<c>provider/model</c>): attempts in flight, latency averages and percentiles,
/// outcomes in the circuit breaker's window, the circuit's state, and the usage-based strategy's request and token
/// counts and learned capacity. Thread-safe: one small lock per deployment, held for a few field updates.
/// </summary>
/// <remarks>
/// Every <see cref="Begin"/> is paired with exactly one <see cref="Complete"/>. The circuit opens after the breaker's
/// consecutive failures, or when its failure rate is reached over at least its minimum attempts in its window; after
/// the cooldown the first attempt to begin is the probe (others skip the deployment meanwhile), and the probe's
/// outcome closes or reopens the circuit. A 429 is not a circuit failure: it rests the deployment for the upstream's
/// Retry-After (<see cref="DefaultRateLimitCooldown"/> when it gave none) and caps its learned requests per minute at
/// what it had taken in the last minute; the cap lifts after a minute without a 429.
/// </remarks>
public sealed partial class DeploymentHealth
{
    /// <summary>How long a 429 without Retry-After rests the deployment.</summary>
    public static readonly TimeSpan DefaultRateLimitCooldown = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly LatencySamples _ttft = new();
    private readonly LatencySamples _latency = new();
    // Both windows hold one entry per slice of time (1/60 of the window), not one per request: at 20,000 requests a
    // second, per-request entries held about 50 MB per deployment (run I, docs/PERFORMANCE.md). An entry expires when
    // its slice's start leaves the window, so a window may forget up to one slice early.
    private readonly Queue<(long At, int Attempts, int Failures)> _outcomes = new();
    private readonly Queue<(long At, long Requests, long Tokens)> _usage = new();
    private (long At, int Attempts, int Failures) _outcomeSlice = (long.MinValue, 0, 0);
    private (long At, long Requests, long Tokens) _usageSlice = (long.MinValue, 0, 0);
    private int _windowAttempts;
    private int _windowFailures;
    private long _minuteRequests;
    private long _minuteTokens;
    private int _inFlight;
    private int _consecutiveFailures;
    private CircuitState _circuit;
    private long _openUntil;
    private bool _probeInFlight;
    private long _rateLimitedUntil;
    private long? _learnedRpm;
    private long _learnedAt;
    private long? _remainingRequests;
    private long? _remainingTokens;
    private long _remainingUntil;

    /// <summary>Creates the health of the deployment <paramref name="key"/>.</summary>
    public DeploymentHealth(string key, TimeProvider time)
    {
        Key = key;
        _time = time;
    }

    /// <summary><c>provider/model</c>.</summary>
    public string Key { get; }

    /// <summary>Whether a new attempt may start now: circuit closed (or its probe slot free) and not resting after a 429.</summary>
    public bool IsAvailable
    {
        get
        {
            var now = _time.GetTimestamp();
            lock (_gate)
            {
                return AvailableLocked(now);
            }
        }
    }

    /// <summary>Whether it is resting after a 429 or a report of no requests remaining.</summary>
    public bool IsRateLimited
    {
        get
        {
            var now = _time.GetTimestamp();
            lock (_gate)
            {
                return now < _rateLimitedUntil;
            }
        }
    }

    /// <summary>An attempt starts. Returns whether it is the half-open circuit's probe.</summary>
    public bool Begin()
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            _inFlight++;
            TrimUsage(now);
            AddUsage(now, 1, 0);
            if (_circuit == CircuitState.Open && now >= _openUntil)
            {
                _circuit = CircuitState.HalfOpen;
            }

            if (_circuit == CircuitState.HalfOpen && !_probeInFlight)
            {
                _probeInFlight = true;
                return true;
            }

            return false;
        }
    }

    /// <summary>An attempt ended.</summary>
    /// <param name="outcome">How it ended.</param>
    /// <param name="probe">What <see cref="Begin"/> returned for it.</param>
    /// <param name="breaker">The circuit breaker settings of the model it served.</param>
    /// <param name="timeToFirstTokenMs">For a success: its time to first token, when it streamed.</param>
    /// <param name="latencyMs">For a success: its total latency.</param>
    /// <param name="retryAfter">For a 429: the upstream's Retry-After.</param>
    public void Complete(AttemptOutcome outcome, bool probe, CircuitBreakerConfig breaker, double? timeToFirstTokenMs = null, double? latencyMs = null, TimeSpan? retryAfter = null)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            _inFlight--;
            if (probe)
            {
                _probeInFlight = false;
            }

            switch (outcome)
            {
                case AttemptOutcome.Succeeded:
                    _consecutiveFailures = 0;
                    AddOutcome(now, failed: false, breaker.Window);
                    if (timeToFirstTokenMs is { } ttft)
                    {
                        _ttft.Add(ttft);
                    }

                    if (latencyMs is { } latency)
                    {
                        _latency.Add(latency);
                    }

                    if (_circuit != CircuitState.Closed && (probe || _circuit == CircuitState.HalfOpen))
                    {
                        _circuit = CircuitState.Closed;
                    }

                    break;
                case AttemptOutcome.Failed:
                    _consecutiveFailures++;
                    AddOutcome(now, failed: true, breaker.Window);
                    if (!breaker.Enabled)
                    {
                        break;
                    }

                    var attempts = _windowAttempts;
                    if (probe || _circuit == CircuitState.HalfOpen ||
                        (_circuit == CircuitState.Closed &&
                         (_consecutiveFailures >= breaker.Failures ||
                          (attempts >= breaker.MinRequests && _windowFailures >= breaker.FailureRate * attempts))))
                    {
                        _circuit = CircuitState.Open;
                        _openUntil = now + ToTicks(breaker.Cooldown);
                    }

                    break;
                case AttemptOutcome.RateLimited:
                    var rest = retryAfter is { } wait && wait > TimeSpan.Zero ? wait : DefaultRateLimitCooldown;
                    _rateLimitedUntil = Math.Max(_rateLimitedUntil, now + ToTicks(rest));
                    TrimUsage(now);
                    _learnedRpm = Math.Max(1, Math.Min(_learnedRpm ?? long.MaxValue, _minuteRequests - 1));
                    _learnedAt = now;
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Adds an answer's tokens to the last minute's usage.</summary>
    public void AddTokens(long tokens)
    {
        if (tokens <= 0)
        {
            return;
        }

        var now = _time.GetTimestamp();
        lock (_gate)
        {
            TrimUsage(now);
            AddUsage(now, 0, tokens);
        }
    }

    /// <summary>
    /// Reads the upstream's <c>x-ratelimit-remaining-requests</c>/<c>-tokens</c> and their <c>-reset-</c> times (OpenAI's
    /// names); no requests remaining rests the deployment until the reset.
    /// </summary>
    public void ObserveHeaders(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        long? requests = null, tokens = null;
        TimeSpan? reset = null;
        foreach (var (name, value) in headers)
        {
            if (name.Equals("x-ratelimit-remaining-requests", StringComparison.OrdinalIgnoreCase) && TryParseCount(value, out var r))
            {
                requests = r;
            }
            else if (name.Equals("x-ratelimit-remaining-tokens", StringComparison.OrdinalIgnoreCase) && TryParseCount(value, out var t))
            {
                tokens = t;
            }
            else if (name.Equals("x-ratelimit-reset-requests", StringComparison.OrdinalIgnoreCase) && TryParseReset(value, out var d))
            {
                reset = d;
            }
        }

        if (requests is null && tokens is null)
        {
            return;
        }

        var now = _time.GetTimestamp();
        lock (_gate)
        {
            _remainingRequests = requests;
            _remainingTokens = tokens;
            _remainingUntil = now + ToTicks(reset ?? TimeSpan.FromSeconds(1));
            if (requests == 0)
            {
                _rateLimitedUntil = Math.Max(_rateLimitedUntil, _remainingUntil);
            }
        }
    }

    /// <summary>
    /// How full the deployment is for the usage-based strategy, 0 (idle) to 1 (at capacity) or more: the largest of
    /// requests in the last minute over its <c>rpm</c> (or learned capacity), tokens over its <c>tpm</c>, and how much of
    /// the upstream's reported remaining requests is used; 0 when nothing bounds it.
    /// </summary>
    public double Utilization(DeploymentConfig deployment)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            TrimUsage(now);
            var utilization = 0.0;
            var rpm = Math.Min(deployment.RequestsPerMinute ?? long.MaxValue, LearnedRpmLocked(now) ?? long.MaxValue);
            if (rpm != long.MaxValue)
            {
                utilization = Math.Max(utilization, (double)(_minuteRequests + 1) / rpm);
            }

            if (deployment.TokensPerMinute is { } tpm)
            {
                utilization = Math.Max(utilization, (double)_minuteTokens / tpm);
            }

            if (now < _remainingUntil && _remainingRequests is { } remaining)
            {
                utilization = Math.Max(utilization, remaining == 0 ? 1 : _inFlight / (double)(remaining + _inFlight));
            }

            return utilization;
        }
    }

    /// <summary>The time-to-first-token percentile (0 to 100) over the last answers, or <see langword="null"/> with fewer than <paramref name="minSamples"/>.</summary>
    public double? TimeToFirstTokenPercentile(double percentile, int minSamples)
    {
        lock (_gate)
        {
            return _ttft.Count >= minSamples ? _ttft.Percentile(percentile) : null;
        }
    }

    /// <summary>A copy of the current state.</summary>
    public DeploymentStats Snapshot()
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            TrimUsage(now);
            var circuit = _circuit == CircuitState.Open && now >= _openUntil ? CircuitState.HalfOpen : _circuit;
            var cooldownUntil = Math.Max(circuit == CircuitState.Open ? _openUntil : 0, _rateLimitedUntil);
            var state =
                circuit == CircuitState.Open ? DeploymentState.CoolingDown :
                now < _rateLimitedUntil ? DeploymentState.RateLimited :
                circuit == CircuitState.HalfOpen ? DeploymentState.Probing :
                DeploymentState.Healthy;
            var fresh = now < _remainingUntil;
            return new DeploymentStats
            {
                Key = Key,
                State = state,
                Circuit = circuit,
                Available = AvailableLocked(now),
                CooldownRemaining = cooldownUntil > now ? _time.GetElapsedTime(now, cooldownUntil) : TimeSpan.Zero,
                InFlight = _inFlight,
                AverageTimeToFirstTokenMs = _ttft.Average,
                AverageLatencyMs = _latency.Average,
                TimeToFirstTokenMs = (_ttft.Percentile(50), _ttft.Percentile(95), _ttft.Percentile(99)),
                LatencyMs = (_latency.Percentile(50), _latency.Percentile(95), _latency.Percentile(99)),
                WindowAttempts = _windowAttempts,
                WindowFailures = _windowFailures,
                ConsecutiveFailures = _consecutiveFailures,
                RequestsLastMinute = _minuteRequests,
                TokensLastMinute = _minuteTokens,
                LearnedRequestsPerMinute = LearnedRpmLocked(now),
                RemainingRequests = fresh ? _remainingRequests : null,
                RemainingTokens = fresh ? _remainingTokens : null,
            };
        }
    }

    private bool AvailableLocked(long now)
    {
        if (now < _rateLimitedUntil)
        {
            return false;
        }

        return _circuit switch
        {
            CircuitState.Closed => true,
            CircuitState.Open => now >= _openUntil && !_probeInFlight,
            _ => !_probeInFlight,
        };
    }

    private long? LearnedRpmLocked(long now)
    {
        if (_learnedRpm is not null && now - _learnedAt >= ToTicks(RateWindow))
        {
            _learnedRpm = null;
        }

        return _learnedRpm;
    }

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
