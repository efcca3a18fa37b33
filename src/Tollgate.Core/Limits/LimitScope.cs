using Tollgate.Accounts;

namespace Tollgate.Core.Limits;

/// <summary>One scope a request falls in (its key, user, team or model) with that scope's current limits and budget.</summary>
/// <param name="Kind">Whose scope it is.</param>
/// <param name="Id">The key, user or team id, or the model name.</param>
/// <param name="Limits">The scope's rate limits (<see cref="LimitSpec.None"/> for none).</param>
/// <param name="Budget">The scope's money budget, or <see langword="null"/> for none.</param>
public readonly record struct LimitScope(LimitScopeKind Kind, string Id, LimitSpec Limits, BudgetSpec? Budget = null)
{
    /// <summary>Whether the scope has anything to enforce.</summary>
    public bool IsUnlimited => Budget is null && (Limits is null || Limits.IsEmpty);
}
