using System.Globalization;
using Tollgate.Ledger;

namespace Tollgate.Testing.Storage;

/// <summary>An <see cref="IUsageLedger"/> in memory, idempotent on request id. Thread-safe.</summary>
public sealed class InMemoryUsageLedger : IUsageLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LedgerRecord> _records = new(StringComparer.Ordinal);

    public Task AppendAsync(IReadOnlyList<LedgerRecord> records, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var record in records)
            {
                _records.TryAdd(record.RequestId, record);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SpendRow>> QuerySpendAsync(SpendQuery query, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<SpendRow> rows = [.. _records.Values
                .Where(r => query.From is null || r.Time >= query.From)
                .Where(r => query.To is null || r.Time < query.To)
                .Where(r => query.TeamId is null || r.TeamId == query.TeamId)
                .Where(r => query.KeyId is null || r.KeyId == query.KeyId)
                .Where(r => query.UserId is null || r.UserId == query.UserId)
                .GroupBy(r => GroupOf(r, query.GroupBy))
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new SpendRow
                {
                    Group = g.Key,
                    Requests = g.LongCount(),
                    Errors = g.LongCount(r => r.StatusCode >= 400),
                    InputTokens = g.Sum(r => r.InputTokens),
                    CachedInputTokens = g.Sum(r => r.CachedInputTokens),
                    CacheWriteTokens = g.Sum(r => r.CacheWriteTokens),
                    OutputTokens = g.Sum(r => r.OutputTokens),
                    ReasoningTokens = g.Sum(r => r.ReasoningTokens),
                    CostNanoDollars = g.Sum(r => r.CostNanoDollars ?? 0),
                })];
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

    public Task<long> CountAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult((long)_records.Count);
        }
    }

    private static string GroupOf(LedgerRecord record, SpendGrouping grouping) => grouping switch
    {
        SpendGrouping.Key => record.KeyId,
        SpendGrouping.User => record.UserId ?? string.Empty,
        SpendGrouping.Team => record.TeamId ?? string.Empty,
        SpendGrouping.Model => record.RequestedModel,
        SpendGrouping.Provider => record.Provider ?? string.Empty,
        _ => record.Time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };
}
