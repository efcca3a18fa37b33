using Tollgate.Accounts;

namespace Tollgate.Testing.Storage;

/// <summary>An <see cref="IAuditLog"/> in memory. Thread-safe.</summary>
public sealed class InMemoryAuditLog : IAuditLog
{
    private readonly Lock _lock = new();
    private readonly List<AuditEntry> _entries = [];

    /// <summary>Every entry, oldest first.</summary>
    public IReadOnlyList<AuditEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _entries.Add(entry);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<AuditEntry> result = [.. _entries
                .Where(e => query.From is null || e.Time >= query.From)
                .Where(e => query.To is null || e.Time < query.To)
                .Where(e => query.TeamId is null || e.ActorTeamId == query.TeamId || e.TargetTeamId == query.TeamId)
                .Where(e => query.TargetId is null || e.TargetId == query.TargetId)
                .Select((e, i) => (e, i))
                .OrderByDescending(p => p.e.Time).ThenByDescending(p => p.i)
                .Take(query.Limit)
                .Select(p => p.e)];
            return Task.FromResult(result);
        }
    }
}
