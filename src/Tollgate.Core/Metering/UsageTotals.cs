using System.Collections.Concurrent;

namespace Tollgate.Core.Metering;

/// <summary>Running totals per requested model, kept by <see cref="UsageAggregator"/>. Thread-safe.</summary>
public sealed class UsageTotals
{
    private readonly ConcurrentDictionary<string, ModelUsageTotals> _byModel = new(StringComparer.Ordinal);

    /// <summary>Totals of one model name, or <see langword="null"/> before its first request.</summary>
    public ModelUsageTotals? Get(string model) => _byModel.TryGetValue(model, out var totals) ? totals : null;

    /// <summary>All totals, by model name.</summary>
    public IReadOnlyDictionary<string, ModelUsageTotals> All => _byModel;

    /// <summary>Every record added so far.</summary>
    public long RecordCount => _byModel.Values.Sum(t => t.Requests);

    internal void Add(UsageRecord record) => _byModel.GetOrAdd(record.RequestedModel, static _ => new ModelUsageTotals()).Add(record);
}
