namespace Tollgate.Ledger;

/// <summary>
/// Durable, append-only storage of <see cref="LedgerRecord"/>s. Written in batches by a background writer, never from
/// the request path.
/// </summary>
public interface IUsageLedger
{
    /// <summary>
    /// Stores a batch atomically. Records whose request id is already stored are skipped, so a batch retried after a
    /// failure, or replayed from a spill file, stores each record once.
    /// </summary>
    Task AppendAsync(IReadOnlyList<LedgerRecord> records, CancellationToken cancellationToken);

    /// <summary>Sums records into groups, ordered by group.</summary>
    Task<IReadOnlyList<SpendRow>> QuerySpendAsync(SpendQuery query, CancellationToken cancellationToken);

    /// <summary>Reads one stored record by request id, or <see langword="null"/>.</summary>
    Task<LedgerRecord?> FindAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>How many records are stored.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken);
}
