using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Core.Ledger;
using Tollgate.Ledger;
using Tollgate.Storage.Sqlite;

namespace Tollgate.Benchmarks;

/// <summary>
/// Ledger throughput into a SQLite file in a temp directory. Each benchmark reports the time per record
/// (OperationsPerInvoke), so records per second = 1e9 / Mean(ns). Target: at least 20,000 records/s. Records carry
/// server-made UUIDv7 request ids; <see cref="Caller"/> <c>master</c> is the master key's traffic (no team, user or
/// tags: what the load test sends), <c>team</c> a virtual key's with a team, a user and a tag. The times include
/// building the records (<see cref="BuildRecords"/> alone).
/// </summary>
[MemoryDiagnoser]
public class LedgerBenchmarks
{
    private const int Batch = 1_000;
    private const int WriterRecords = 20_000;
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Keys = [.. Enumerable.Range(0, 50).Select(i => "key_" + i)];
    private static readonly string[] Users = [.. Enumerable.Range(0, 20).Select(i => "user_" + i)];
    private static readonly string[] Teams = [.. Enumerable.Range(0, 5).Select(i => "team_" + i)];

    // One list per key, as the request path hands over the key's own tag list.
    private static readonly string[] Prod = ["prod"];

    private string _directory = null!;
    private SqliteDatabase _database = null!;
    private SqliteUsageLedger _ledger = null!;
    private LedgerWriter _writer = null!;
    private long _next;

    [Params("master", "team")]
    public string Caller { get; set; } = "master";

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = Directory.CreateTempSubdirectory("tollgate-ledger-bench-").FullName;
        _database = new SqliteDatabase(Path.Combine(_directory, "tollgate.db"));
        _ledger = new SqliteUsageLedger(_database);
        _writer = new LedgerWriter(
            _ledger,
            new LedgerWriterOptions { SpillDirectory = Path.Combine(_directory, "spill"), ChannelCapacity = 50_000 },
            TimeProvider.System,
            NullLogger<LedgerWriter>.Instance);
        await _writer.StartAsync(CancellationToken.None);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _writer.StopAsync(CancellationToken.None);
        _writer.Dispose();
        _ledger.Dispose();
        _database.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Only the records the other benchmarks build, to subtract from them.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public LedgerRecord[] BuildRecords()
    {
        var records = new LedgerRecord[Batch];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = Record(_next++, Caller == "team");
        }

        return records;
    }

    /// <summary>One 1,000-record batch through <see cref="SqliteUsageLedger.AppendAsync"/>; time per record.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public Task AppendBatch()
    {
        var records = new LedgerRecord[Batch];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = Record(_next++, Caller == "team");
        }

        return _ledger.AppendAsync(records, CancellationToken.None);
    }

    /// <summary>20,000 records through <see cref="LedgerWriter.Enqueue"/> then <see cref="LedgerWriter.FlushAsync"/>; time per record.</summary>
    [Benchmark(OperationsPerInvoke = WriterRecords)]
    public Task WriterEndToEnd()
    {
        for (var i = 0; i < WriterRecords; i++)
        {
            _writer.Enqueue(Record(_next++, Caller == "team"));
        }

        return _writer.FlushAsync(CancellationToken.None);
    }

    private static LedgerRecord Record(long n, bool team) => new()
    {
        RequestId = "req_" + Guid.CreateVersion7(T0.AddMilliseconds(n)).ToString("N"),
        Time = T0.AddMilliseconds(n),
        KeyId = team ? Keys[n % Keys.Length] : "master",
        UserId = team ? Users[n % Users.Length] : null,
        TeamId = team ? Teams[n % Teams.Length] : null,
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
        Tags = team ? Prod : [],
    };
}
