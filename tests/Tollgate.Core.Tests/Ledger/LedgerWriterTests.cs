using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Core.Ledger;
using Tollgate.Ledger;

namespace Tollgate.Core.Tests.Ledger;

public sealed class LedgerWriterTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly string _spill = Directory.CreateTempSubdirectory("tollgate-spill-").FullName;
    private readonly FakeUsageLedger _ledger = new();

    public void Dispose() => Directory.Delete(_spill, recursive: true);

    private LedgerWriter NewWriter(int channelCapacity = 10_000, int maxPending = 100_000, int batchSize = 100) => new(
        _ledger,
        new LedgerWriterOptions
        {
            SpillDirectory = _spill,
            ChannelCapacity = channelCapacity,
            MaxPending = maxPending,
            BatchSize = batchSize,
            BatchInterval = TimeSpan.FromMilliseconds(5),
            InitialRetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        },
        TimeProvider.System,
        NullLogger<LedgerWriter>.Instance);

    private static LedgerRecord Record(int i) => new()
    {
        RequestId = $"req_{i:D6}",
        Time = T0.AddMilliseconds(i),
        KeyId = "key_1",
        Operation = "chat",
        RequestedModel = "gpt-4o",
        InputTokens = i,
        CostNanoDollars = 10,
        Tags = ["t"],
    };

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Timeout;
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "Timed out waiting for " + what);
            await Task.Delay(5);
        }
    }

    private string[] SpillFiles() => Directory.GetFiles(_spill, "ledger-*.jsonl");

    [Fact]
    public async Task Enqueue_HealthyStore_AllStoredInBatchesAndFlushed()
    {
        using var writer = NewWriter(batchSize: 100);
        await writer.StartAsync(CancellationToken.None).WaitAsync(Timeout);

        for (var i = 0; i < 1_000; i++)
        {
            Assert.True(writer.Enqueue(Record(i)));
        }

        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(1_000, _ledger.Count);
        Assert.InRange(_ledger.AppendCalls, 10, 1_000);
        var metrics = writer.Metrics;
        Assert.Equal(1_000, metrics.Enqueued);
        Assert.Equal(1_000, metrics.Written);
        Assert.Equal(0, metrics.Pending);
        Assert.Equal(0, metrics.Spilled);
        Assert.Equal(0, metrics.StoreFailures);
        var stored = await _ledger.FindAsync("req_000007", CancellationToken.None);
        Assert.Equal("req_000007", stored!.RequestId);
        Assert.Equal(7, stored.InputTokens);
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    [Fact]
    public async Task StoreDown_RecordsPendThenSpillBeyondBound_StoreBack_AllStoredExactlyOnce()
    {
        using var writer = NewWriter(maxPending: 300, batchSize: 50);
        _ledger.Failing = true;
        await writer.StartAsync(CancellationToken.None).WaitAsync(Timeout);

        // Step 1: the store is down; the first 300 records wait in memory.
        for (var i = 0; i < 300; i++)
        {
            writer.Enqueue(Record(i));
        }

        await WaitForAsync(() => writer.Metrics.StoreFailures >= 2, "store failures");
        await WaitForAsync(() => writer.Metrics.Pending == 300, "300 pending");
        Assert.Equal(0, writer.Metrics.Spilled);
        Assert.Empty(SpillFiles());

        // Step 2: beyond the bound, records go to a spill file.
        for (var i = 300; i < 500; i++)
        {
            writer.Enqueue(Record(i));
        }

        await WaitForAsync(() => writer.Metrics.Spilled == 200, "200 spilled");
        Assert.NotEmpty(SpillFiles());
        Assert.Equal(300, writer.Metrics.Pending);
        Assert.Equal(0, _ledger.Count);

        // Step 3: the store comes back: memory and the spill file drain, each record stored once.
        _ledger.Failing = false;
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(500, _ledger.Count);
        var metrics = writer.Metrics;
        Assert.Equal(500, metrics.Written);
        Assert.Equal(200, metrics.Replayed);
        Assert.Equal(0, metrics.Pending);
        Assert.Equal(0, metrics.Lost);
        Assert.Equal(0, _ledger.Duplicates);
        Assert.Empty(SpillFiles());
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    [Fact]
    public async Task Start_SpillFileOnDisk_ReplaysItIdempotentlyAndDeletesIt()
    {
        // A previous run spilled 250 records and crashed part-way through replaying them: 100 are already stored.
        using (var previous = NewWriter(channelCapacity: 1))
        {
            for (var i = 0; i < 250; i++)
            {
                previous.Enqueue(Record(i));
            }
        }

        await _ledger.AppendAsync([.. Enumerable.Range(0, 100).Select(Record)], CancellationToken.None);
        Assert.NotEmpty(SpillFiles());

        using var writer = NewWriter();
        await writer.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(250, _ledger.Count);
        Assert.InRange(writer.Metrics.Replayed, 249, 250);
        Assert.Empty(SpillFiles());
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    [Fact]
    public async Task Replay_FileWithACutShortLine_StoresTheRestAndKeepsTheFileAsBad()
    {
        var path = Path.Combine(_spill, "ledger-0000000000000-1-000001.jsonl");
        var good = System.Text.Json.JsonSerializer.Serialize(Record(1), LedgerJsonContext.Default.LedgerRecord);
        await File.WriteAllTextAsync(path, good + "\n" + good[..20] + "\n");

        using var writer = NewWriter();
        await writer.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(1, _ledger.Count);
        Assert.Equal(1, writer.Metrics.UnreadableSpillLines);
        Assert.True(File.Exists(path + ".bad"));
        Assert.Empty(SpillFiles());
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    [Fact]
    public async Task Stop_HealthyStore_FlushesEverything()
    {
        var writer = NewWriter();
        await writer.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        for (var i = 0; i < 2_000; i++)
        {
            writer.Enqueue(Record(i));
        }

        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
        writer.Dispose();

        Assert.Equal(2_000, _ledger.Count);
        Assert.Empty(SpillFiles());
    }

    [Fact]
    public async Task Stop_StoreDown_SpillsEverythingPending_NextRunStoresIt()
    {
        var writer = NewWriter();
        _ledger.Failing = true;
        await writer.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        for (var i = 0; i < 400; i++)
        {
            writer.Enqueue(Record(i));
        }

        await WaitForAsync(() => writer.Metrics.StoreFailures >= 1, "a store failure");
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
        writer.Dispose();

        Assert.Equal(0, _ledger.Count);
        Assert.Equal(400, writer.Metrics.Spilled);
        Assert.Equal(0, writer.Metrics.Pending);
        Assert.NotEmpty(SpillFiles());

        // Enqueue after stop spills too, rather than dropping.
        Assert.False(writer.Enqueue(Record(400)));

        _ledger.Failing = false;
        using var next = NewWriter();
        await next.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        await next.FlushAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(401, _ledger.Count);
        Assert.Equal(0, _ledger.Duplicates);
        await next.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    [Fact]
    public async Task Enqueue_ChannelFull_SpillsInsteadOfDropping()
    {
        // Not started: nothing drains the queue of 10.
        using var writer = NewWriter(channelCapacity: 10);
        var queued = 0;
        for (var i = 0; i < 25; i++)
        {
            queued += writer.Enqueue(Record(i)) ? 1 : 0;
        }

        Assert.Equal(10, queued);
        var metrics = writer.Metrics;
        Assert.Equal(25, metrics.Enqueued);
        Assert.Equal(15, metrics.Spilled);
        Assert.Equal(10, metrics.Pending);
        var lines = SpillFiles().SelectMany(File.ReadAllLines).ToList();
        Assert.Equal(15, lines.Count);

        await writer.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(25, _ledger.Count);
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    [Fact]
    public async Task Enqueue_ManyThreads_CountsAddUp()
    {
        using var writer = NewWriter(channelCapacity: 64, batchSize: 200);
        await writer.StartAsync(CancellationToken.None).WaitAsync(Timeout);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                writer.Enqueue(Record((t * 2_000) + i));
            }
        }))).WaitAsync(Timeout);
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        var metrics = writer.Metrics;
        Assert.Equal(16_000, _ledger.Count);
        Assert.Equal(16_000, metrics.Enqueued);
        Assert.Equal(16_000, metrics.Written);
        Assert.Equal(metrics.Spilled, metrics.Replayed);
        Assert.Equal(0, metrics.Pending);
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    [Fact]
    public void Options_Invalid_ThrowNamingTheSetting()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new LedgerWriter(
            _ledger, new LedgerWriterOptions { SpillDirectory = _spill, BatchSize = 0 }, TimeProvider.System, NullLogger<LedgerWriter>.Instance));
        Assert.Equal("BatchSize", ex.ParamName);
        Assert.Throws<ArgumentException>(() => new LedgerWriter(
            _ledger, new LedgerWriterOptions { SpillDirectory = " " }, TimeProvider.System, NullLogger<LedgerWriter>.Instance));
    }
}
