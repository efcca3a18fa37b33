namespace Tollgate.Accounts;

/// <summary>A money budget: at most <see cref="LimitNanoDollars"/> per <see cref="Period"/>.</summary>
/// <param name="LimitNanoDollars">The budget in US nano-dollars (1 USD = 1,000,000,000); never negative.</param>
/// <param name="Period">When the budget starts again.</param>
public sealed record BudgetSpec(long LimitNanoDollars, BudgetPeriod Period);
