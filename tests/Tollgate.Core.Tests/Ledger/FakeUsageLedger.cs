using Tollgate.Ledger;

namespace Tollgate.Core.Tests.Ledger;

/// <summary>An in-memory ledger that fails on demand, like a database that is down. Appends are atomic and idempotent.</summary>
public sealed class FakeUsageLedger : IUsageLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LedgerRecord> _records = new(StringComparer.Ordinal);
    private int _duplicates;

    private volatile bool _failing;

    /// <summary>While true, every call throws as a database that is down would.</summary>
    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    public int AppendCalls { get; private set; }

    /// <summary>Records offered again after they were stored (replays, retries); they are skipped.</summary>
    public int Duplicates => Volatile.Read(ref _duplicates);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _records.Count;
            }
        }
    }

    public Task AppendAsync(IReadOnlyList<LedgerRecord> records, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            AppendCalls++;
            if (Failing)
            {
                throw new InvalidOperationException("database is down");
            }

            foreach (var record in records)
            {
                if (!_records.TryAdd(record.RequestId, record))
                {
                    _duplicates++;
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SpendRow>> QuerySpendAsync(SpendQuery query, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (Failing)
            {
                throw new InvalidOperationException("database is down");
            }

            IReadOnlyList<SpendRow> rows = [.. _records.Values
                .GroupBy(r => r.KeyId, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new SpendRow { Group = g.Key, Requests = g.Count(), CostNanoDollars = g.Sum(r => r.CostNanoDollars ?? 0) })];
            return Task.FromResult(rows);
        }
    }

    public Task<LedgerRecord?> FindAsync(string requestId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_records.GetValueOrDefault(requestId));
        }
    }

    public Task<long> CountAsync(CancellationToken cancellationToken) => Task.FromResult((long)Count);
}
