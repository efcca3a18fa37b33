using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tollgate.Storage.Postgres;

/// <summary>
/// Runs with the server: at start, migrates the database (so a wrong connection string or an unreachable server stops
/// the start with a message that names it); then, every <see cref="PostgresStorageOptions.MaintenanceInterval"/>,
/// creates the ledger partitions ahead and drops the expired ones.
/// </summary>
/// <remarks>A failed maintenance pass is logged and tried again at the next interval; it never stops the server.</remarks>
internal sealed partial class PostgresLedgerMaintenance(PostgresDatabase database, ILogger<PostgresLedgerMaintenance> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await database.InitializeAsync(cancellationToken);
        if (applied.Count > 0)
        {
            LogMigrated(logger, database.Description, applied[0], applied[^1]);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var time = database.TimeProvider;
        while (!stoppingToken.IsCancellationRequested)
        {
            await RunOnceAsync(time.GetUtcNow(), stoppingToken);
            try
            {
                await Task.Delay(database.Options.MaintenanceInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: partitions ahead of <paramref name="now"/>, then retention.</summary>
    internal async Task RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await database.Partitions.EnsureAheadAsync(now, cancellationToken);
            foreach (var name in await database.Partitions.DropExpiredAsync(now, cancellationToken))
            {
                LogDropped(logger, name);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogMaintenanceFailed(logger, database.Description, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL database {Database}: applied schema migrations {FirstVersion} to {LastVersion}")]
    private static partial void LogMigrated(ILogger logger, string database, int firstVersion, int lastVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ledger partition {Partition} dropped: past the retention")]
    private static partial void LogDropped(ILogger logger, string partition);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ledger partition maintenance on {Database} failed; trying again at the next interval")]
    private static partial void LogMaintenanceFailed(ILogger logger, string database, Exception exception);
}
