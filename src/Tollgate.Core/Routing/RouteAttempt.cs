namespace Tollgate.Core.Routing;

/// <summary>
/// One attempt of a request on one deployment: its target, and the token that ends it when the client leaves, the
/// request's deadline passes, or the attempt's own first-token or idle timeout expires. Made and disposed by
/// <see cref="RouteRunner"/>; the surface's terminal calls the upstream with <see cref="Token"/>.
/// </summary>
public sealed class RouteAttempt : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationTokenRegistration _link;
    private readonly CancellationToken _parent;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _idle;
    private readonly TimeSpan? _firstToken;
    private volatile bool _started;
    private volatile bool _cancelledByRunner;
    private int _disposed;

    internal RouteAttempt(PlannedAttempt planned, RouteAttemptRecord record, bool hedge, TimeProvider time, CancellationToken requestAborted, CancellationToken parent)
    {
        Planned = planned;
        Record = record;
        Number = record.Number;
        IsHedge = hedge;
        RequestAborted = requestAborted;
        _parent = parent;
        _time = time;
        _idle = planned.Model.Routing.IdleTimeout;
        _firstToken = planned.Model.Routing.FirstTokenTimeout;
        _source = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _link = parent.UnsafeRegister(static state => ((RouteAttempt)state!).Cancel(), this);
        StartTimestamp = time.GetTimestamp();
        if (_firstToken is { } firstToken)
        {
            _source.CancelAfter(firstToken);
        }
    }

    /// <summary>The deployment this attempt calls.</summary>
    public RouteTarget Target => Planned.Target;

    /// <summary>1 for the request's first attempt, then one more per attempt (hedges included).</summary>
    public int Number { get; }

    /// <summary>Whether this attempt was started as a hedge beside another.</summary>
    public bool IsHedge { get; }

    /// <summary>Ends the attempt: the client left, the deadline passed, or the attempt's own timeout expired.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>When the attempt started, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long StartTimestamp { get; }

    /// <summary>When it produced its first token (or its whole answer), as a <see cref="TimeProvider"/> timestamp.</summary>
    public long? FirstTokenTimestamp { get; private set; }

    internal PlannedAttempt Planned { get; }

    internal RouteAttemptRecord Record { get; }

    /// <summary>The client's token: <see cref="Token"/> is cancelled with it, so a read passed either needs no second token.</summary>
    internal CancellationToken RequestAborted { get; }

    internal bool IsProbe { get; set; }

    /// <summary>
    /// Which of the attempt's own timeouts ended it (<c>first_token_timeout</c> or <c>idle_timeout</c>), or
    /// <see langword="null"/> when it was not one of them.
    /// </summary>
    internal string? ExpiredTimeout =>
        _source.IsCancellationRequested && !_parent.IsCancellationRequested && !_cancelledByRunner
            ? (_started ? "idle_timeout" : "first_token_timeout")
            : null;

    /// <summary>Hands the upstream's rate-limit headers to the deployment's health (usage-based routing learns from them).</summary>
    public void ObserveHeaders(IReadOnlyList<KeyValuePair<string, string>> headers) => Planned.Health.ObserveHeaders(headers);

    /// <summary>A chunk of the answer arrived: the idle timeout starts again.</summary>
    public void MarkProgress()
    {
        if (_idle is { } idle && _started)
        {
            try
            {
                _source.CancelAfter(idle);
            }
            catch (ObjectDisposedException)
            {
                // The attempt has ended.
            }
        }
    }

    /// <summary>The attempt produced its first token: the first-token timeout stops and the idle timeout starts.</summary>
    internal void MarkFirstToken()
    {
        FirstTokenTimestamp = _time.GetTimestamp();
        _started = true;
        if (_idle is { } idle)
        {
            _source.CancelAfter(idle);
        }
        else if (_firstToken is not null)
        {
            _source.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Cancels the attempt on the runner's behalf (a hedge that lost, or the request ending).</summary>
    internal void CancelByRunner()
    {
        _cancelledByRunner = true;
        Cancel();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _link.Dispose();
            _source.Dispose();
        }
    }

    private void Cancel()
    {
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt has ended.
        }
    }
}
