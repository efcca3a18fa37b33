namespace Tollgate.Storage.Postgres;

/// <summary>Settings of the PostgreSQL stores.</summary>
public sealed record PostgresStorageOptions
{
    /// <summary>The Npgsql connection string (<c>Host=...;Database=...;Username=...;Password=...</c>).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>
    /// How long ledger records are kept; <see langword="null"/> (the default) keeps them forever. Whole monthly
    /// partitions are dropped once every record they can hold is older than this, so records live at least this long
    /// and at most a month more. Never shorter than one day.
    /// </summary>
    public TimeSpan? LedgerRetention { get; init; }

    /// <summary>How many months after the current one have ledger partitions ready (default 2).</summary>
    public int PartitionsAhead { get; init; } = 2;

    /// <summary>
    /// How long creating or dropping a ledger partition waits for the ledger's table lock (default 5 s). Such DDL
    /// queues behind a long spend report, and every append and report would queue behind it: past this it gives up
    /// (the maintenance loop tries again at its next pass; an append fails and its batch is retried or spilled).
    /// </summary>
    public TimeSpan PartitionLockTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the maintenance loop creates partitions ahead and drops expired ones (default 1 hour).</summary>
    public TimeSpan MaintenanceInterval { get; init; } = TimeSpan.FromHours(1);
}
