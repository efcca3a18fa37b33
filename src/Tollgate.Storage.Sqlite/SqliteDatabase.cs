using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Tollgate.Storage.Sqlite;

/// <summary>
/// One SQLite database file shared by the Tollgate stores: opens connections with the pragmas every store relies on and
/// applies the schema migrations once, on first use.
/// </summary>
/// <remarks>
/// Connections are pooled by Microsoft.Data.Sqlite and opened per operation, so the type is safe for concurrent use
/// by the ledger's background writer and the admin API. Writes inside this process queue on <see cref="WriteGate"/>
/// (an async semaphore) rather than spinning on SQLite's lock; a write from another process waits up to
/// <see cref="BusyTimeout"/> and then fails with a <see cref="SqliteException"/> ("database is locked"), never hangs.
/// The journal is WAL (readers never block the writer) with <c>synchronous=NORMAL</c>: a committed transaction survives
/// a crash of the process; a power loss may lose the last transactions but never corrupts the file.
/// </remarks>
public sealed class SqliteDatabase : IDisposable
{
    /// <summary>How long a statement waits for another process's lock unless told otherwise.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(5);

    private readonly string _connectionString;
    private readonly string _pragmas;
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private volatile bool _initialized;

    /// <summary>Creates the database handle; nothing is opened until the first operation or <see cref="InitializeAsync"/>.</summary>
    /// <param name="path">The database file; it and its directory are created when missing.</param>
    /// <param name="busyTimeout">How long a statement waits for a lock held by another process (default 5 s).</param>
    public SqliteDatabase(string path, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var timeout = busyTimeout ?? DefaultBusyTimeout;
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(busyTimeout), timeout, "The busy timeout must be positive.");
        }

        Path = System.IO.Path.GetFullPath(path);
        BusyTimeout = timeout;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,

            // Microsoft.Data.Sqlite retries a busy statement until this many seconds pass; 0 would mean forever.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)),
        }.ToString();
        // An 8 MiB page cache per connection (SQLite's default is 2 MiB) keeps the ledger's index pages in memory
        // rather than re-read through a syscall per page on every batch.
        _pragmas = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)timeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -8192;");
    }

    /// <summary>The database file's full path.</summary>
    public string Path { get; }

    /// <summary>How long a statement waits for a lock held by another process before it fails.</summary>
    public TimeSpan BusyTimeout { get; }

    /// <summary>Serialises this process's write transactions; hold it around every write.</summary>
    internal SemaphoreSlim WriteGate { get; } = new(1, 1);

    /// <summary>
    /// Creates the file when missing, switches it to WAL and applies any migrations not yet applied. Idempotent; runs
    /// on the first operation anyway, so calling it at start only moves a failure (a read-only or locked file, a
    /// schema from a newer Tollgate) to start-up. A failure is not remembered: the next call tries again.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file cannot be opened or migrated; the message names it.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _initGate.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }

            await MigrateAsync(cancellationToken);
            _initialized = true;
        }
        finally
        {
            _initGate.Release();
        }
    }

    /// <summary>Opens a pooled connection with the store's pragmas applied, initialising the database first if needed.</summary>
    internal async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        return await OpenRawAsync(cancellationToken);
    }

    /// <summary>Clears the connection pool, so the file can be deleted or replaced (tests, backups).</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText = _pragmas;
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            var directory = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            await WriteGate.WaitAsync(cancellationToken);
            try
            {
                await using var connection = await OpenRawAsync(cancellationToken);
                await SqliteSchema.ApplyAsync(connection, cancellationToken);
            }
            finally
            {
                WriteGate.Release();
            }
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new InvalidOperationException($"Cannot open the SQLite database '{Path}': {ex.Message}", ex);
        }
    }
}
