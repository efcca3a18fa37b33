using Tollgate.Accounts;
using Tollgate.Core.Limits;

namespace Tollgate.Core.Budgets;

/// <summary>A key, user or team with a budget, for start-up seeding.</summary>
/// <param name="Kind">Key, user or team.</param>
/// <param name="Id">Its id.</param>
/// <param name="Budget">Its budget.</param>
public readonly record struct BudgetOwner(LimitScopeKind Kind, string Id, BudgetSpec Budget);
