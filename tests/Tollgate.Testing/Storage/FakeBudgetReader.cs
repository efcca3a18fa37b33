using System.Collections.Concurrent;
using Tollgate.Core.Budgets;
using Tollgate.Core.Limits;

namespace Tollgate.Testing.Storage;

/// <summary>An <see cref="IBudgetReader"/> that answers what a test set.</summary>
public sealed class FakeBudgetReader : IBudgetReader
{
    private readonly ConcurrentDictionary<(LimitScopeKind, string), BudgetStatus> _statuses = new();

    public void Set(LimitScopeKind kind, string id, BudgetStatus status) => _statuses[(kind, id)] = status;

    public BudgetStatus? GetStatus(LimitScopeKind kind, string id) =>
        _statuses.TryGetValue((kind, id), out var status) ? status : null;
}
