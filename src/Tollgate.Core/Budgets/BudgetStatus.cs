using Tollgate.Accounts;

namespace Tollgate.Core.Budgets;

/// <summary>Where one budget stands in its current period.</summary>
/// <param name="Spec">The budget.</param>
/// <param name="SpentNanoDollars">Settled spend in the current period.</param>
/// <param name="ReservedNanoDollars">Held by requests in flight.</param>
/// <param name="PeriodStart">When the current period began (<see cref="DateTimeOffset.MinValue"/> for a total budget).</param>
/// <param name="ResetsAt">When it starts again; <see langword="null"/> for a total budget.</param>
public readonly record struct BudgetStatus(BudgetSpec Spec, long SpentNanoDollars, long ReservedNanoDollars, DateTimeOffset PeriodStart, DateTimeOffset? ResetsAt)
{
    /// <summary>What is left to spend, never below zero.</summary>
    public long RemainingNanoDollars => Math.Max(0, Spec.LimitNanoDollars - SpentNanoDollars - ReservedNanoDollars);
}
