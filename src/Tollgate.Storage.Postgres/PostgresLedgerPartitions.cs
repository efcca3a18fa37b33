using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;

namespace Tollgate.Storage.Postgres;

/// <summary>
/// The ledger's monthly partitions (<c>ledger_pYYYYMM</c>, holding <c>[first of the month, first of the next)</c> UTC):
/// created ahead of time and on demand for a batch that reaches another month, and dropped whole once expired, so
/// retention never runs a DELETE on the hot table.
/// </summary>
/// <remarks>
/// Thread-safe. Creating and dropping partitions take a transaction-level advisory lock, so instances sharing the
/// database never race on the catalog. There is no default partition: a record for a month with no partition makes
/// its partition first (creating a range on a default partition that holds rows of that range would fail). A record
/// older than the retention is still stored, and goes with its partition at the next <see cref="DropExpiredAsync"/>.
/// </remarks>
public sealed class PostgresLedgerPartitions
{
    /// <summary>The advisory lock key partition changes hold ("tgledger" in ASCII, as a 64-bit number).</summary>
    internal const long PartitionLockKey = 0x74676C6564676572;

    private const string Prefix = "ledger_p";

    private readonly PostgresDatabase _database;

    // Months known to have a partition, as year * 12 + month - 1. Cleared when an insert finds one missing (another
    // instance's retention dropped it).
    private readonly ConcurrentDictionary<int, bool> _known = new();

    internal PostgresLedgerPartitions(PostgresDatabase database) => _database = database;

    /// <summary>The partition a time falls in, e.g. <c>ledger_p202611</c>.</summary>
    public static string NameFor(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{utc.Year:D4}{utc.Month:D2}");
    }

    /// <summary>The ledger's partitions and the first instant each one no longer holds, oldest first.</summary>
    public async Task<IReadOnlyList<(string Name, DateTimeOffset Start, DateTimeOffset End)>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        return await ListAsync(connection, null, cancellationToken);
    }

    /// <summary>
    /// Drops every partition whose whole range is older than <paramref name="now"/> minus the configured retention.
    /// Does nothing when no retention is configured.
    /// </summary>
    /// <returns>The names of the partitions dropped.</returns>
    public async Task<IReadOnlyList<string>> DropExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_database.Options.LedgerRetention is not { } retention)
        {
            return [];
        }

        var cutoff = now - retention;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, cancellationToken);
        var dropped = new List<string>();
        foreach (var (name, start, end) in await ListAsync(connection, transaction, cancellationToken))
        {
            if (end > cutoff)
            {
                continue;
            }

            await using var drop = new NpgsqlCommand($"DROP TABLE \"{name}\";", connection, transaction);
            await drop.ExecuteNonQueryAsync(cancellationToken);
            _known.TryRemove(MonthKey(start), out _);
            dropped.Add(name);
        }

        await transaction.CommitAsync(cancellationToken);
        return dropped;
    }

    /// <summary>Creates the partitions for the month of <paramref name="now"/> and the configured months ahead.</summary>
    public async Task EnsureAheadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await EnsureAheadAsync(connection, now, cancellationToken);
    }

    internal Task EnsureAheadAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var first = MonthKey(now);
        var months = Enumerable.Range(first, _database.Options.PartitionsAhead + 1).ToList();
        return EnsureMonthsAsync(connection, months, force: true, cancellationToken);
    }

    /// <summary>Makes sure every month the records' times fall in has a partition; cheap when they all do.</summary>
    internal Task EnsureForAsync(NpgsqlConnection connection, IEnumerable<DateTimeOffset> times, CancellationToken cancellationToken)
    {
        List<int>? missing = null;
        var last = -1;
        foreach (var time in times)
        {
            var key = MonthKey(time);
            if (key == last || _known.ContainsKey(key))
            {
                last = key;
                continue;
            }

            last = key;
            missing ??= [];
            if (!missing.Contains(key))
            {
                missing.Add(key);
            }
        }

        return missing is null ? Task.CompletedTask : EnsureMonthsAsync(connection, missing, force: false, cancellationToken);
    }

    /// <summary>Forgets which partitions exist, after an insert found one missing.</summary>
    internal void Forget() => _known.Clear();

    internal static int MonthKey(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return (utc.Year * 12) + utc.Month - 1;
    }

    private static DateTimeOffset MonthStart(int key) => new(key / 12, (key % 12) + 1, 1, 0, 0, 0, TimeSpan.Zero);

    private async Task EnsureMonthsAsync(NpgsqlConnection connection, List<int> months, bool force, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, cancellationToken);

        // CREATE TABLE IF NOT EXISTS ... PARTITION OF locks the ledger even when the partition exists, so only the
        // missing ones are created: an hourly pass that has nothing to do takes no table lock.
        var existing = (await ListAsync(connection, transaction, cancellationToken)).Select(p => MonthKey(p.Start)).ToHashSet();
        foreach (var key in months)
        {
            if ((!force && _known.ContainsKey(key)) || existing.Contains(key))
            {
                continue;
            }

            var start = MonthStart(key);
            if (start.Year >= 9999)
            {
                throw new ArgumentOutOfRangeException(nameof(months), start, "A ledger time is beyond the last month partitions can hold.");
            }

            var sql = string.Create(CultureInfo.InvariantCulture, $"""
                CREATE TABLE IF NOT EXISTS "{NameFor(start)}" PARTITION OF ledger
                FOR VALUES FROM ('{start:yyyy-MM-dd}T00:00:00Z') TO ('{start.AddMonths(1):yyyy-MM-dd}T00:00:00Z');
                """);
            await using var create = new NpgsqlCommand(sql, connection, transaction);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var key in months)
        {
            _known[key] = true;
        }
    }

    /// <summary>Takes the partition advisory lock and bounds how long this transaction's DDL waits for table locks.</summary>
    private async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var timeoutMs = Math.Max(1, (long)_database.Options.PartitionLockTimeout.TotalMilliseconds);
        await using var command = new NpgsqlCommand(
            string.Create(CultureInfo.InvariantCulture, $"SET LOCAL lock_timeout = {timeoutMs}; SELECT pg_advisory_xact_lock({PartitionLockKey});"),
            connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<(string Name, DateTimeOffset Start, DateTimeOffset End)>> ListAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        const string Sql = """
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'ledger'::regclass ORDER BY c.relname;
            """;
        await using var command = new NpgsqlCommand(Sql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var partitions = new List<(string, DateTimeOffset, DateTimeOffset)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);

            // Only partitions this class made (ledger_pYYYYMM); one an operator attached by hand is left alone.
            if (name.Length == Prefix.Length + 6
                && name.StartsWith(Prefix, StringComparison.Ordinal)
                && int.TryParse(name.AsSpan(Prefix.Length, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
                && int.TryParse(name.AsSpan(Prefix.Length + 4, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
                && year is >= 1 and < 9999 && month is >= 1 and <= 12)
            {
                var start = new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero);
                partitions.Add((name, start, start.AddMonths(1)));
            }
        }

        return partitions;
    }
}
