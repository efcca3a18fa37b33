namespace Tollgate.Core.Limits;

/// <summary>
/// A per-minute limit as a continuously refilling token bucket (OpenAI's semantics): capacity = the limit, refilled at
/// limit/60 per second. Not thread-safe: the owning scope's lock guards it.
/// </summary>
/// <remarks>
/// The level is kept in fixed point, in units of 1/<see cref="Scale"/> of a token, where <see cref="Scale"/> is the
/// number of time ticks (100 ns) in a minute. Refilling <c>capacity</c> tokens per minute then adds exactly
/// <c>capacity</c> units per tick: integer arithmetic with no rounding drift. Limits are capped at
/// <see cref="MaxLimit"/> so the full level fits in a <see cref="long"/>. The level may go below zero (a settlement
/// that charged more than was reserved); admission waits until it has refilled.
/// </remarks>
internal struct TokenBucket
{
    /// <summary>Ticks (100 ns) per minute: one token in fixed point.</summary>
    public const long Scale = TimeSpan.TicksPerMinute;

    /// <summary>The largest per-minute limit honoured; larger ones act as this (ten billion).</summary>
    public const long MaxLimit = 10_000_000_000;

    // The lowest level kept: far below anything a real settlement reaches, far above overflow.
    private const long Floor = long.MinValue / 4;

    private long _capacity;
    private long _level;
    private long _stamp;

    public readonly bool IsEnabled => _capacity > 0;

    public readonly long Capacity => _capacity;

    /// <summary>Sets the limit (0 disables the bucket). A new bucket starts full; a lowered limit caps the level.</summary>
    public void Configure(long limit, long nowTicks)
    {
        limit = Math.Clamp(limit, 0, MaxLimit);
        if (limit == _capacity)
        {
            return;
        }

        if (_capacity == 0 || limit == 0)
        {
            _level = limit * Scale;
            _stamp = nowTicks;
        }
        else
        {
            Refill(nowTicks);
            _level = Math.Min(_level, limit * Scale);
        }

        _capacity = limit;
    }

    /// <summary>Adds what has flowed in since the last call.</summary>
    public void Refill(long nowTicks)
    {
        var elapsed = nowTicks - _stamp;
        _stamp = nowTicks;
        if (elapsed <= 0 || _capacity == 0)
        {
            return;
        }

        var full = _capacity * Scale;
        var level = (Int128)_level + ((Int128)_capacity * elapsed);
        _level = level >= full ? full : (long)level;
    }

    /// <summary>
    /// Whether <paramref name="amount"/> can be taken now. A request larger than the capacity is admitted when the
    /// bucket is full (and drives it into debt), so no request is refused forever.
    /// </summary>
    public readonly bool CanTake(long amount) => _level >= Math.Min(amount, _capacity) * Scale;

    /// <summary>Time, in ticks, until <see cref="CanTake"/> holds for <paramref name="amount"/>.</summary>
    public readonly long TicksUntilAvailable(long amount)
    {
        var missing = (Int128)Math.Min(amount, _capacity) * Scale - _level;
        return missing <= 0 ? 0 : (long)((missing + _capacity - 1) / _capacity);
    }

    /// <summary>Takes <paramref name="amount"/> (positive) or gives back -<paramref name="amount"/>; the level stays within [floor, capacity].</summary>
    public void Add(long amount)
    {
        var level = (Int128)_level + ((Int128)amount * Scale);
        var full = _capacity * Scale;
        _level = level >= full ? full : level <= Floor ? Floor : (long)level;
    }

    /// <summary>Whole tokens available now, never below zero.</summary>
    public readonly long Remaining => _level <= 0 ? 0 : _level / Scale;

    /// <summary>Ticks until the bucket is full again.</summary>
    public readonly long TicksUntilFull
    {
        get
        {
            var missing = (Int128)_capacity * Scale - _level;
            return missing <= 0 ? 0 : (long)((missing + _capacity - 1) / _capacity);
        }
    }

    public readonly RateWindow Window(DateTimeOffset now) => new(_capacity, Remaining, now.AddTicks(TicksUntilFull));
}
