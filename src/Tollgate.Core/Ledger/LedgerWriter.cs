using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tollgate.Ledger;

namespace Tollgate.Core.Ledger;

/// <summary>
/// The background ledger writer: the request path hands records to <see cref="Enqueue"/>, which never waits on the
/// database, and this service stores them in batches through <see cref="IUsageLedger.AppendAsync"/>.
/// </summary>
/// <remarks>
/// <para>Nothing is lost while the process runs its course:</para>
/// <list type="number">
/// <item>Records wait in a bounded queue (<see cref="LedgerWriterOptions.ChannelCapacity"/>); when it is full, or the
/// writer has stopped, <see cref="Enqueue"/> writes the record to a spill file on the caller's thread instead.</item>
/// <item>The writer drains the queue into memory and stores up to <see cref="LedgerWriterOptions.BatchSize"/> records
/// per call, gathering for <see cref="LedgerWriterOptions.BatchInterval"/> when the queue runs dry.</item>
/// <item>When the store throws (database down, locked, disk full) the records stay in memory and the writer retries
/// with a doubling delay; it keeps draining the queue meanwhile, and records beyond
/// <see cref="LedgerWriterOptions.MaxPending"/> go to a spill file.</item>
/// <item>At start and after every successful store, spill files are replayed and deleted once stored. The store skips
/// request ids it already holds, so a replay cut short by a crash duplicates nothing.</item>
/// <item><see cref="StopAsync"/> stores what is left; if the store still fails, everything pending is spilled.</item>
/// </list>
/// <para>Counts are in <see cref="Metrics"/>. Logs carry counts, file names and store errors, never record contents.</para>
/// </remarks>
public sealed partial class LedgerWriter : BackgroundService, ILedgerSink
{
    private static readonly TimeSpan ShutdownSpillGrace = TimeSpan.FromSeconds(10);

    private readonly IUsageLedger _ledger;
    private readonly LedgerWriterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LedgerWriter> _logger;
    private readonly Channel<Item> _channel;
    private readonly LedgerSpill _spill;

    // Cancels store calls once the host's shutdown deadline passes, so the writer spills instead of waiting on.
    private readonly CancellationTokenSource _abort = new();

    // Owned by the writer loop alone.
    private readonly List<LedgerRecord> _pending = [];
    private readonly List<TaskCompletionSource> _flushWaiters = [];

    private long _enqueued;
    private long _inChannel;
    private long _held;
    private long _written;
    private long _spilled;
    private long _replayed;
    private long _storeFailures;
    private long _lost;
    private long _unreadable;
    private int _loopStarted;

    /// <summary>Creates the writer; it starts storing when the host starts it.</summary>
    public LedgerWriter(IUsageLedger ledger, LedgerWriterOptions options, TimeProvider time, ILogger<LedgerWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _ledger = ledger;
        _options = options;
        _time = time;
        _logger = logger;
        _channel = Channel.CreateBounded<Item>(new BoundedChannelOptions(options.ChannelCapacity)
        {
            // Wait, not a drop mode: TryWrite then fails when full and the record is spilled; FlushAsync's markers wait for room.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _spill = new LedgerSpill(options.SpillDirectory, options.MaxRecordsPerSpillFile, time);
    }

    /// <summary>The writer's counts now.</summary>
    public LedgerWriterMetrics Metrics => new()
    {
        Enqueued = Interlocked.Read(ref _enqueued),
        Written = Interlocked.Read(ref _written),
        Pending = Math.Max(0, Interlocked.Read(ref _inChannel)) + Interlocked.Read(ref _held),
        Spilled = Interlocked.Read(ref _spilled),
        Replayed = Interlocked.Read(ref _replayed),
        StoreFailures = Interlocked.Read(ref _storeFailures),
        Lost = Interlocked.Read(ref _lost),
        UnreadableSpillLines = Interlocked.Read(ref _unreadable),
    };

    /// <inheritdoc/>
    public bool Enqueue(LedgerRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Interlocked.Increment(ref _enqueued);
        Interlocked.Increment(ref _inChannel);
        if (_channel.Writer.TryWrite(new Item(record, null)))
        {
            return true;
        }

        Interlocked.Decrement(ref _inChannel);
        Spill([record]);
        return false;
    }

    /// <summary>
    /// Completes once every record enqueued before the call is stored, spill files written before it included. While
    /// the store fails it waits for it to come back (or for <paramref name="cancellationToken"/>). Once the writer has
    /// stopped it returns at once: everything was stored or spilled by then.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            // The marker queues behind every record enqueued before it; the writer completes it once they are stored.
            await _channel.Writer.WriteAsync(new Item(null, done), cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return;
        }

        await done.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Step 1: no more records through the queue; the loop drains it, stores or spills, and returns.
        _channel.Writer.TryComplete();

        // Step 2: wait for it until the host's deadline; past it, cut store calls short so the loop spills.
        using (cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), _abort))
        {
            await base.StopAsync(cancellationToken);
        }

        // Step 3: a host that stops before the loop ever ran (BackgroundService may skip ExecuteAsync once stopping
        // is requested) still gets everything stored or spilled: run the loop here; the queue is complete, so it ends.
        if (Interlocked.CompareExchange(ref _loopStarted, 1, 0) == 0)
        {
            using var abortAtDeadline = cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), _abort);
            await RunAsync(CancellationToken.None);
            return;
        }

        if (ExecuteTask is { IsCompleted: false } loop)
        {
            _abort.Cancel();
            try
            {
                await loop.WaitAsync(ShutdownSpillGrace, _time, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                LogShutdownTimedOut(_logger, Metrics.Pending);
            }
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        base.Dispose();
        _spill.Dispose();
        _abort.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The store works synchronously (SQLite): leave the host's start-up thread before touching it.
        await Task.Yield();
        if (Interlocked.CompareExchange(ref _loopStarted, 1, 0) == 0)
        {
            await RunAsync(stoppingToken);
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var reader = _channel.Reader;
        var failures = 0;
        var nextAttempt = _time.GetUtcNow();
        while (true)
        {
            // Step 1: take what the queue holds.
            var taken = Drain(reader);
            var closed = reader.Completion.IsCompleted;

            // Step 2: store what is held and replay spill files, unless waiting out a retry delay.
            if (HasOutstanding && (failures == 0 || closed || _time.GetUtcNow() >= nextAttempt))
            {
                if (await TryStoreAsync(_abort.Token))
                {
                    if (failures > 0)
                    {
                        LogRecovered(_logger, failures);
                    }

                    failures = 0;
                }
                else
                {
                    failures++;
                    nextAttempt = _time.GetUtcNow() + RetryDelay(failures);
                }
            }

            if (closed)
            {
                // Step 3 (shutdown): the queue is empty for good; what the store did not take goes to a spill file.
                if (_pending.Count > 0)
                {
                    LogShutdownSpill(_logger, _pending.Count);
                    Spill(_pending);
                    _pending.Clear();
                    Interlocked.Exchange(ref _held, 0);
                }

                CompleteFlushWaiters();
                return;
            }

            if (!HasOutstanding)
            {
                CompleteFlushWaiters();
            }

            // Step 4: wait for more: a short pause to gather a fuller batch, the retry delay, or new records.
            if (failures > 0)
            {
                var wait = nextAttempt - _time.GetUtcNow();
                await PauseAsync(wait < _options.BatchInterval ? wait : Max(_options.BatchInterval, TimeSpan.FromMilliseconds(1)), stoppingToken);
            }
            else if (taken > 0 && taken < _options.BatchSize)
            {
                await PauseAsync(_options.BatchInterval, stoppingToken);
            }
            else if (taken == 0)
            {
                // Completes when a record or a flush marker arrives, or when StopAsync completes the queue.
                await reader.WaitToReadAsync(CancellationToken.None);
            }
        }
    }

    private bool HasOutstanding => _pending.Count > 0 || _spill.HasFiles;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Moves queued records into memory (beyond the bound into a spill file) and flush markers aside; returns the records taken.</summary>
    private int Drain(ChannelReader<Item> reader)
    {
        var taken = 0;
        List<LedgerRecord>? overflow = null;
        while (reader.TryRead(out var item))
        {
            if (item.Flush is { } flush)
            {
                _flushWaiters.Add(flush);
                continue;
            }

            Interlocked.Decrement(ref _inChannel);
            taken++;
            if (_pending.Count < _options.MaxPending)
            {
                _pending.Add(item.Record!);
            }
            else
            {
                (overflow ??= []).Add(item.Record!);
            }
        }

        Interlocked.Exchange(ref _held, _pending.Count);
        if (overflow is not null)
        {
            Spill(overflow);
        }

        return taken;
    }

    /// <summary>Stores held records, oldest first, then replays spill files. Returns <see langword="false"/> at the first failure.</summary>
    private async Task<bool> TryStoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (_pending.Count > 0)
            {
                var count = Math.Min(_pending.Count, _options.BatchSize);
                var batch = _pending.GetRange(0, count);
                await _ledger.AppendAsync(batch, cancellationToken);
                _pending.RemoveRange(0, count);
                Interlocked.Exchange(ref _held, _pending.Count);
                Interlocked.Add(ref _written, count);
            }

            if (_spill.HasFiles)
            {
                await ReplayAsync(cancellationToken);
            }

            return true;
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _storeFailures);
            LogStoreFailed(_logger, ex, _pending.Count);
            return false;
        }
    }

    private async Task ReplayAsync(CancellationToken cancellationToken)
    {
        foreach (var path in _spill.Seal())
        {
            var stored = 0L;
            var unreadable = 0;
            var batch = new List<LedgerRecord>(_options.BatchSize);
            using (var file = new StreamReader(path))
            {
                while (await file.ReadLineAsync(cancellationToken) is { } line)
                {
                    if (line.Length == 0)
                    {
                        continue;
                    }

                    if (!LedgerSpill.TryParse(line, out var record))
                    {
                        unreadable++;
                        continue;
                    }

                    batch.Add(record);
                    if (batch.Count == _options.BatchSize)
                    {
                        await _ledger.AppendAsync(batch, cancellationToken);
                        stored += batch.Count;
                        batch = new List<LedgerRecord>(_options.BatchSize);
                    }
                }
            }

            if (batch.Count > 0)
            {
                await _ledger.AppendAsync(batch, cancellationToken);
                stored += batch.Count;
            }

            // Only now is the file done: a failure above leaves it whole, to be replayed again (idempotently).
            LedgerSpill.Finish(path, unreadable > 0);
            Interlocked.Add(ref _written, stored);
            Interlocked.Add(ref _replayed, stored);
            var name = Path.GetFileName(path);
            LogReplayed(_logger, stored, name);
            if (unreadable > 0)
            {
                var kept = name + ".bad";
                Interlocked.Add(ref _unreadable, unreadable);
                LogUnreadableLines(_logger, unreadable, kept);
            }
        }

        _spill.MarkReplayed();
    }

    private void Spill(List<LedgerRecord> records)
    {
        try
        {
            _spill.Append(records);
            Interlocked.Add(ref _spilled, records.Count);
            LogSpilled(_logger, records.Count, _spill.DirectoryPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Interlocked.Add(ref _lost, records.Count);
            LogSpillFailed(_logger, ex, records.Count, _spill.DirectoryPath);
        }
    }

    private void CompleteFlushWaiters()
    {
        foreach (var waiter in _flushWaiters)
        {
            waiter.TrySetResult();
        }

        _flushWaiters.Clear();
    }

    private TimeSpan RetryDelay(int failures)
    {
        var delay = _options.InitialRetryDelay * Math.Pow(2, Math.Min(failures - 1, 30));
        return delay < _options.MaxRetryDelay ? delay : _options.MaxRetryDelay;
    }

    private async Task PauseAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        if (delay <= TimeSpan.Zero || stoppingToken.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await Task.Delay(delay, _time, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping: go straight on to drain and store what is left.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ledger store failed; {Pending} records held in memory for a retry")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, int pending);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ledger store is back after {Failures} failed attempts")]
    private static partial void LogRecovered(ILogger logger, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spilled {Count} ledger records to {Directory}")]
    private static partial void LogSpilled(ILogger logger, int count, string directory);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not spill {Count} ledger records to {Directory}; they are lost")]
    private static partial void LogSpillFailed(ILogger logger, Exception exception, int count, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Count} ledger records from spill file {File}")]
    private static partial void LogReplayed(ILogger logger, long count, string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} lines of a ledger spill file could not be read; the file is kept as {File}")]
    private static partial void LogUnreadableLines(ILogger logger, int count, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ledger store still failing at shutdown; spilling {Count} records")]
    private static partial void LogShutdownSpill(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ledger writer did not finish spilling at shutdown; {Pending} records may be lost")]
    private static partial void LogShutdownTimedOut(ILogger logger, long pending);

    /// <summary>A queued record, or a flush marker.</summary>
    private readonly record struct Item(LedgerRecord? Record, TaskCompletionSource? Flush);
}
