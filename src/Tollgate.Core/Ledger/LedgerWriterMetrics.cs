namespace Tollgate.Core.Ledger;

/// <summary>A snapshot of the <see cref="LedgerWriter"/>'s counts since it was created.</summary>
public sealed record LedgerWriterMetrics
{
    /// <summary>Records handed to <see cref="LedgerWriter.Enqueue"/>.</summary>
    public long Enqueued { get; init; }

    /// <summary>Records the store accepted (a replayed record the store already held counts too).</summary>
    public long Written { get; init; }

    /// <summary>Records waiting in memory: queued or held after a store failure.</summary>
    public long Pending { get; init; }

    /// <summary>Records written to spill files.</summary>
    public long Spilled { get; init; }

    /// <summary>Records read back from spill files and stored (also counted in <see cref="Written"/>).</summary>
    public long Replayed { get; init; }

    /// <summary>Store calls that failed.</summary>
    public long StoreFailures { get; init; }

    /// <summary>Records that could be neither stored nor spilled: the store and the spill directory both failing.</summary>
    public long Lost { get; init; }

    /// <summary>Spill file lines that could not be read back (a line cut short by a crash); their files are kept, renamed <c>*.bad</c>.</summary>
    public long UnreadableSpillLines { get; init; }
}
