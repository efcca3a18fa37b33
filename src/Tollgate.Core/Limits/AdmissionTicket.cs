namespace Tollgate.Core.Limits;

/// <summary>
/// What an admitted call holds: its parallel slots, its token and money reservations. Settle it exactly once, when the
/// call ends, with the real usage; settling also frees the parallel slots. A call that never reached the upstream, or
/// failed before any usage, settles with zeros. Disposing an unsettled ticket settles it with zeros. Thread-safe: of
/// concurrent or repeated settles, the first wins and the others return <see langword="false"/>.
/// </summary>
public abstract class AdmissionTicket : IDisposable
{
    private readonly bool _shared;
    private int _settled;

    /// <summary>Creates a ticket to be settled once.</summary>
    protected AdmissionTicket()
    {
    }

    /// <summary>Creates the shared ticket of unlimited calls, which any number of callers settle.</summary>
    private protected AdmissionTicket(bool shared) => _shared = shared;

    /// <summary>The tokens reserved at admission.</summary>
    public abstract long ReservedTokens { get; }

    /// <summary>The nano-dollars reserved at admission; <see langword="null"/> when the model is unpriced.</summary>
    public abstract long? ReservedCostNanoDollars { get; }

    /// <summary>The tightest requests-per-minute window after admission, for headers; <see langword="null"/> when no scope limits requests.</summary>
    public abstract RateWindow? Requests { get; }

    /// <summary>The tightest tokens-per-minute window after admission, for headers; <see langword="null"/> when no scope limits tokens.</summary>
    public abstract RateWindow? Tokens { get; }

    /// <summary>When the call was admitted.</summary>
    public abstract DateTimeOffset At { get; }

    /// <summary>Whether <see cref="Settle"/> has run.</summary>
    public bool IsSettled => !_shared && Volatile.Read(ref _settled) != 0;

    /// <summary>
    /// Replaces the reservations with the real usage: the token buckets are refunded or charged the difference (a
    /// bucket may go below zero, which delays the next admission), the budgets are charged
    /// <paramref name="actualCostNanoDollars"/>, and the parallel slots are freed.
    /// </summary>
    /// <param name="actualTokens">Tokens really used (input plus output); negative counts as zero.</param>
    /// <param name="actualCostNanoDollars">The real cost; <see langword="null"/> when unpriced (charges nothing).</param>
    /// <returns><see langword="false"/> when the ticket was already settled (nothing changes).</returns>
    public bool Settle(long actualTokens, long? actualCostNanoDollars)
    {
        if (_shared)
        {
            return true;
        }

        if (Interlocked.Exchange(ref _settled, 1) != 0)
        {
            return false;
        }

        SettleCore(Math.Max(0, actualTokens), actualCostNanoDollars is { } cost ? Math.Max(0, cost) : null);
        return true;
    }

    /// <summary>Settles with zeros when not yet settled.</summary>
    public void Dispose()
    {
        Settle(0, null);
        GC.SuppressFinalize(this);
    }

    /// <summary>Applies the settlement; called at most once, with non-negative values.</summary>
    protected abstract void SettleCore(long actualTokens, long? actualCostNanoDollars);
}
