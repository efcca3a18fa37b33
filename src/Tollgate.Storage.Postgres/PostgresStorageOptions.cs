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

    /// <summary>How often the maintenance loop creates partitions ahead and drops expired ones (default 1 hour).</summary>
    public TimeSpan MaintenanceInterval { get; init; } = TimeSpan.FromHours(1);
}
