using Tollgate.Ledger;

namespace Tollgate.Core.Ledger;

/// <summary>Where the request path hands finished requests' ledger records. Implemented by <see cref="LedgerWriter"/>.</summary>
public interface ILedgerSink
{
    /// <summary>
    /// Hands a record over without waiting on the database. Returns <see langword="true"/> when it was queued for the
    /// background writer, <see langword="false"/> when the queue was full (or the writer stopped) and the record went
    /// straight to a spill file instead. Never throws for a full queue or a failing store.
    /// </summary>
    bool Enqueue(LedgerRecord record);
}
