using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Core.Ledger;
using Tollgate.Ledger;
using Tollgate.Storage.Postgres;
using Tollgate.Storage.Postgres.Tests;

namespace Tollgate.Benchmarks;

/// <summary>
/// Ledger throughput into PostgreSQL: a throwaway server this benchmark starts itself (initdb + pg_ctl from the
/// machine's <c>postgresql</c> package, default durability: fsync and synchronous commit on), on loopback. Each
/// benchmark reports the time per record (OperationsPerInvoke), so records per second = 1e9 / Mean(ns).
/// Target (issue 6): at least 50,000 records/s with COPY batches.
/// </summary>
[MemoryDiagnoser]
public class PostgresLedgerBenchmarks
{
    private const int Batch = 1_000;
    private const int WriterRecords = 20_000;
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private PostgresServer _server = null!;
    private PostgresDatabase _database = null!;
    private PostgresUsageLedger _ledger = null!;
    private LedgerWriter _writer = null!;
    private string _spill = null!;
    private long _next;

    [GlobalSetup]
    public async Task Setup()
    {
        _server = await PostgresServer.StartAsync(durable: true, CancellationToken.None);
        _database = new PostgresDatabase(new PostgresStorageOptions { ConnectionString = await _server.CreateDatabaseAsync(CancellationToken.None) });
        await _database.InitializeAsync(CancellationToken.None);
        _ledger = new PostgresUsageLedger(_database);
        _spill = Directory.CreateTempSubdirectory("tollgate-pg-bench-spill-").FullName;
        _writer = new LedgerWriter(
            _ledger,
            new LedgerWriterOptions { SpillDirectory = _spill, ChannelCapacity = 50_000 },
            TimeProvider.System,
            NullLogger<LedgerWriter>.Instance);
        await _writer.StartAsync(CancellationToken.None);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _writer.StopAsync(CancellationToken.None);
        _writer.Dispose();
        await _ledger.DisposeAsync();
        await _database.DisposeAsync();
        await _server.DisposeAsync();
        Directory.Delete(_spill, recursive: true);
    }

    /// <summary>One 1,000-record batch through <see cref="PostgresUsageLedger.AppendAsync"/> (binary COPY, then INSERT ... ON CONFLICT); time per record.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public Task AppendBatch()
    {
        var records = new LedgerRecord[Batch];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = Record(_next++);
        }

        return _ledger.AppendAsync(records, CancellationToken.None);
    }

    /// <summary>20,000 records through <see cref="LedgerWriter.Enqueue"/> then <see cref="LedgerWriter.FlushAsync"/>; time per record.</summary>
    [Benchmark(OperationsPerInvoke = WriterRecords)]
    public Task WriterEndToEnd()
    {
        for (var i = 0; i < WriterRecords; i++)
        {
            _writer.Enqueue(Record(_next++));
        }

        return _writer.FlushAsync(CancellationToken.None);
    }

    private static LedgerRecord Record(long n) => new()
    {
        RequestId = "req_" + n.ToString("x12", System.Globalization.CultureInfo.InvariantCulture),
        Time = T0.AddMilliseconds(n),
        KeyId = "key_" + (n % 50),
        UserId = "user_" + (n % 20),
        TeamId = "team_" + (n % 5),
        Operation = "chat",
        RequestedModel = "gpt-4o-mini",
        Provider = "openai",
        DeploymentModel = "gpt-4o-mini-2024-07-18",
        Stream = (n & 1) == 0,
        InputTokens = 1_200,
        CachedInputTokens = 1_024,
        OutputTokens = 300,
        CostNanoDollars = 123_456,
        LatencyMs = 812.5,
        TimeToFirstTokenMs = 210.25,
        StatusCode = 200,
        Tags = ["prod"],
    };
}
