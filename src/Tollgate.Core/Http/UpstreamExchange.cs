namespace Tollgate.Core.Http;

/// <summary>
/// The timeouts of one upstream exchange, enforced by a single watchdog timer instead of a timer per phase and per read.
/// </summary>
/// <remarks>
/// The watchdog ticks every eighth of the shortest timeout (at least 10 ms, at most 1 s), so a timeout fires at most
/// one tick late. Reads only record when they start and end: no timer is touched on the hot path. <see cref="Token"/>
/// is cancelled when the caller's token is, or when a deadline passes; <see cref="ExpiredTimeout"/> then says which.
/// </remarks>
internal sealed class UpstreamExchange : IAsyncDisposable
{
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _source;
    private readonly ITimer _watchdog;
    private readonly long _totalDeadline;
    private readonly long _idleTicks;
    private long _firstByteDeadline;
    private long _readStarted;
    private string? _expired;

    public UpstreamExchange(Configuration.UpstreamTimeouts timeouts, TimeProvider time, CancellationToken callerToken)
    {
        _time = time;
        _source = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
        var now = time.GetTimestamp();
        _totalDeadline = now + ToTicks(timeouts.Total, time);
        _firstByteDeadline = now + ToTicks(timeouts.FirstByte, time);
        _idleTicks = ToTicks(timeouts.Idle, time);
        var shortest = TimeSpan.FromTicks(Math.Min(Math.Min(timeouts.FirstByte.Ticks, timeouts.Idle.Ticks), timeouts.Total.Ticks));
        var tick = TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 8, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        _watchdog = time.CreateTimer(static state => ((UpstreamExchange)state!).Check(), this, tick, tick);
    }

    /// <summary>Cancelled by the caller or by an expired timeout.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Which timeout expired (<c>first-byte</c>, <c>idle</c> or <c>total</c>), or <see langword="null"/>.</summary>
    public string? ExpiredTimeout => Volatile.Read(ref _expired);

    /// <summary>The response headers arrived: the first-byte deadline no longer applies.</summary>
    public void HeadersReceived() => Volatile.Write(ref _firstByteDeadline, long.MaxValue);

    /// <summary>A body read begins; the idle timeout runs until <see cref="ReadEnded"/>.</summary>
    public void ReadStarted() => Volatile.Write(ref _readStarted, _time.GetTimestamp());

    /// <summary>A body read returned.</summary>
    public void ReadEnded() => Volatile.Write(ref _readStarted, 0);

    public async ValueTask DisposeAsync()
    {
        await _watchdog.DisposeAsync();
        _source.Dispose();
    }

    private static long ToTicks(TimeSpan span, TimeProvider time) =>
        span == Timeout.InfiniteTimeSpan ? long.MaxValue / 4 : (long)(span.TotalSeconds * time.TimestampFrequency);

    private void Check()
    {
        var now = _time.GetTimestamp();
        var readStarted = Volatile.Read(ref _readStarted);
        var expired =
            now >= _totalDeadline ? "total" :
            now >= Volatile.Read(ref _firstByteDeadline) ? "first-byte" :
            readStarted != 0 && now - readStarted >= _idleTicks ? "idle" :
            null;
        if (expired is null || Interlocked.CompareExchange(ref _expired, expired, null) is not null)
        {
            return;
        }

        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The exchange ended as the deadline passed.
        }
    }
}
