using Npgsql;

namespace Tollgate.Storage.Postgres;

/// <summary>
/// One PostgreSQL database shared by the Tollgate stores: a pooled <see cref="NpgsqlDataSource"/>, the schema
/// migrations (applied once, on first use or at start) and the ledger's partitions.
/// </summary>
/// <remarks>
/// Thread-safe. Connections are pooled by Npgsql and opened per operation. Concurrency between Tollgate instances
/// sharing the database is PostgreSQL's: row locks and constraints for the stores, advisory locks for migrations and
/// partition changes.
/// </remarks>
public sealed class PostgresDatabase : IAsyncDisposable, IDisposable
{
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private volatile bool _initialized;

    /// <summary>Creates the database handle; nothing is opened until the first operation or <see cref="InitializeAsync"/>.</summary>
    public PostgresDatabase(PostgresStorageOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString);
        if (options.LedgerRetention is { } retention && retention < TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), retention, "The ledger retention must be at least one day.");
        }

        if (options.PartitionsAhead is < 0 or > 120)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.PartitionsAhead, "PartitionsAhead must be between 0 and 120.");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"The PostgreSQL connection string is not valid: {ex.Message}", nameof(options), ex);
        }

        Options = options;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Description = $"{builder.Host}:{builder.Port}/{builder.Database}";
        DataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString) { Name = "tollgate" }.Build();
        Partitions = new PostgresLedgerPartitions(this);
    }

    /// <summary>The schema version this build migrates to.</summary>
    public static int SchemaVersion => PostgresSchema.LatestVersion;

    /// <summary>The settings.</summary>
    public PostgresStorageOptions Options { get; }

    /// <summary>Host, port and database name, for messages (never the password).</summary>
    public string Description { get; }

    /// <summary>The ledger's partitions.</summary>
    public PostgresLedgerPartitions Partitions { get; }

    internal TimeProvider TimeProvider { get; }

    internal NpgsqlDataSource DataSource { get; }

    /// <summary>
    /// Applies any migrations not yet applied and creates the ledger partitions for this month and the next
    /// <see cref="PostgresStorageOptions.PartitionsAhead"/>. Idempotent, and safe to run from several instances at
    /// once; runs on the first operation anyway, so calling it at start only moves a failure (unreachable server, bad
    /// credentials, a schema from a newer Tollgate) to start-up. A failure is not remembered: the next call tries again.
    /// </summary>
    /// <returns>The migration versions this call applied.</returns>
    /// <exception cref="InvalidOperationException">The database cannot be reached or migrated; the message names it.</exception>
    public async Task<IReadOnlyList<int>> InitializeAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return [];
        }

        await _initGate.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return [];
            }

            IReadOnlyList<int> applied;
            try
            {
                await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
                applied = await PostgresSchema.ApplyAsync(connection, cancellationToken);
                try
                {
                    await Partitions.EnsureAheadAsync(connection, TimeProvider.GetUtcNow(), cancellationToken);
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
                {
                    // A long report holds the ledger: the partitions ahead are the maintenance loop's to retry, and an
                    // append makes the one it needs; neither is a reason to refuse the database.
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidDataException or TimeoutException)
            {
                throw new InvalidOperationException($"Cannot open the PostgreSQL database '{Description}': {ex.Message}", ex);
            }

            _initialized = true;
            return applied;
        }
        finally
        {
            _initGate.Release();
        }
    }

    /// <summary>Opens a pooled connection, initialising the database first if needed.</summary>
    internal async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        return await DataSource.OpenConnectionAsync(cancellationToken);
    }

    /// <summary>Closes the pool.</summary>
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    /// <summary>Closes the pool.</summary>
    public void Dispose() => DataSource.Dispose();
}
