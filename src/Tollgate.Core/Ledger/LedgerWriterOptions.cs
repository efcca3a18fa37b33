namespace Tollgate.Core.Ledger;

/// <summary>Settings of the <see cref="LedgerWriter"/>.</summary>
public sealed class LedgerWriterOptions
{
    /// <summary>Where records that cannot be stored or held in memory are written as JSON lines (<c>&lt;data_dir&gt;/spill</c>); created when missing.</summary>
    public required string SpillDirectory { get; init; }

    /// <summary>Records the queue between the request path and the writer holds; beyond it, records are spilled on the caller's thread. Default 10,000.</summary>
    public int ChannelCapacity { get; init; } = 10_000;

    /// <summary>The most records stored in one transaction. Default 1,000.</summary>
    public int BatchSize { get; init; } = 1_000;

    /// <summary>How long the writer gathers records after a batch smaller than <see cref="BatchSize"/>: the most a record waits in a quiet period. Default 50 ms.</summary>
    public TimeSpan BatchInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Records held in memory while the store fails; beyond it, records are spilled. Default 100,000.</summary>
    public int MaxPending { get; init; } = 100_000;

    /// <summary>The wait before the first retry after a store failure; it doubles per failure up to <see cref="MaxRetryDelay"/>. Default 500 ms.</summary>
    public TimeSpan InitialRetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between retries. Default 30 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Records per spill file before a new one is started, so a long outage replays in pieces. Default 100,000.</summary>
    public int MaxRecordsPerSpillFile { get; init; } = 100_000;

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(SpillDirectory))
        {
            throw new ArgumentException("The ledger writer needs a spill directory.", nameof(SpillDirectory));
        }

        Positive(ChannelCapacity, nameof(ChannelCapacity));
        Positive(BatchSize, nameof(BatchSize));
        Positive(MaxPending, nameof(MaxPending));
        Positive(MaxRecordsPerSpillFile, nameof(MaxRecordsPerSpillFile));
        if (BatchInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchInterval), BatchInterval, "The batch interval cannot be negative.");
        }

        if (InitialRetryDelay <= TimeSpan.Zero || MaxRetryDelay < InitialRetryDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialRetryDelay), InitialRetryDelay, "Retry delays must be positive, the maximum no less than the initial one.");
        }
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        }
    }
}
