using Tollgate.Core.Limits;

namespace Tollgate.Core.Budgets;

/// <summary>Reads where budgets stand, for spend reports and the admin API. Thread-safe.</summary>
public interface IBudgetReader
{
    /// <summary>The budget status of one key, user or team, or <see langword="null"/> when it has no budget.</summary>
    BudgetStatus? GetStatus(LimitScopeKind kind, string id);
}
