using Tollgate.Accounts;
using Tollgate.Core.Budgets;

namespace Tollgate.Core.Limits;

/// <summary>
/// The rate and budget counters behind <see cref="LimitAdmission"/>. The in-memory implementation
/// (<see cref="InMemoryLimitCounters"/>) serves one instance; a shared-store implementation (Redis leases) replaces it
/// for several instances without changing callers. Implementations are thread-safe.
/// </summary>
public interface ILimitCounters : IBudgetReader
{
    /// <summary>
    /// Reserves the request across all its scopes, all or nothing: every limit of every scope admits it, or nothing
    /// stays reserved and the refusal names the binding scope and limit. Scopes with nothing to enforce are skipped.
    /// </summary>
    AdmissionResult TryAdmit(in AdmissionRequest request);

    /// <summary>
    /// Sets or removes (<see langword="null"/>) the budget of one key, user or team, so <see cref="IBudgetReader.GetStatus"/>
    /// reports it before the owner's first request. Call it when an admin creates or changes a budget. Changing the
    /// period starts a new period from zero spend (re-seed from the ledger to restore it).
    /// </summary>
    void SetBudget(LimitScopeKind kind, string id, BudgetSpec? budget);

    /// <summary>
    /// Sets the settled spend of the budget's current period, from the ledger at start-up. Ignored (returns
    /// <see langword="false"/>) when <paramref name="periodStart"/> is no longer the current period's start, so a
    /// seed computed just before a period rolled over never lands in the new period.
    /// </summary>
    bool SeedBudget(LimitScopeKind kind, string id, BudgetSpec budget, DateTimeOffset periodStart, long spentNanoDollars);
}
