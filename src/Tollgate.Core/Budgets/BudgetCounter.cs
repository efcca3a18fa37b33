using Tollgate.Accounts;

namespace Tollgate.Core.Budgets;

/// <summary>
/// One budget's current period: settled spend and in-flight reservations in nano-dollars. Not thread-safe: the
/// owning scope's lock guards it.
/// </summary>
/// <remarks>
/// The period rolls over on the first use at or after its end: spend and reservations restart at zero and the
/// generation moves on. A reservation remembers the generation it was made in; settling one from an older generation
/// changes nothing here, because its cost belongs to the period it started in (as the ledger, which records the
/// request's arrival time, also counts it), so nothing leaks into the new period's reserved amount.
/// </remarks>
internal sealed class BudgetCounter
{
    public BudgetCounter(BudgetSpec spec, DateTimeOffset now)
    {
        Spec = spec;
        (PeriodStart, PeriodEnd) = BudgetPeriods.Current(spec.Period, now);
    }

    /// <summary>The budget; <see langword="null"/> while the owner has none (the counter is kept in case it returns).</summary>
    public BudgetSpec? Spec { get; private set; }

    public long Spent { get; private set; }

    public long Reserved { get; private set; }

    public DateTimeOffset PeriodStart { get; private set; }

    public DateTimeOffset? PeriodEnd { get; private set; }

    public long Generation { get; private set; }

    public long Remaining => Spec is null ? 0 : Math.Max(0, Spec.LimitNanoDollars - Spent - Reserved);

    /// <summary>Applies a (possibly changed) budget. A new period kind starts a new period from zero spend.</summary>
    public void Configure(BudgetSpec? spec, DateTimeOffset now)
    {
        if (spec is not null && Spec is not null && spec.Period != Spec.Period)
        {
            StartPeriod(spec.Period, now);
        }
        else if (spec is not null && Spec is null)
        {
            // Back after a spell without a budget: keep the spend of the period if the period is the same one.
            var (start, _) = BudgetPeriods.Current(spec.Period, now);
            if (start != PeriodStart)
            {
                StartPeriod(spec.Period, now);
            }
        }

        Spec = spec;
        Roll(now);
    }

    /// <summary>Starts a new period when the current one has ended.</summary>
    public void Roll(DateTimeOffset now)
    {
        if (Spec is not null && PeriodEnd is { } end && now >= end)
        {
            StartPeriod(Spec.Period, now);
        }
    }

    /// <summary>
    /// Whether <paramref name="cost"/> fits: spend plus reservations plus the cost within the budget. An exhausted
    /// budget (nothing left) refuses even a zero-cost or unpriced call.
    /// </summary>
    public bool CanReserve(long cost)
    {
        if (Spec is null)
        {
            return true;
        }

        var used = Spent + Reserved;
        return used < Spec.LimitNanoDollars && cost <= Spec.LimitNanoDollars - used;
    }

    public void Reserve(long cost) => Reserved = Saturating(Reserved + cost);

    public void Unreserve(long generation, long cost)
    {
        if (generation == Generation)
        {
            Reserved = Math.Max(0, Reserved - cost);
        }
    }

    public void Settle(long generation, long reserved, long actual)
    {
        if (generation != Generation)
        {
            return;
        }

        Reserved = Math.Max(0, Reserved - reserved);
        Spent = Saturating(Spent + actual);
    }

    /// <summary>Replaces the current period's settled spend (start-up seeding from the ledger).</summary>
    public void Seed(long spent) => Spent = Math.Max(0, spent);

    public BudgetStatus? Status() =>
        Spec is null ? null : new BudgetStatus(Spec, Spent, Reserved, PeriodStart, PeriodEnd);

    private void StartPeriod(BudgetPeriod period, DateTimeOffset now)
    {
        (PeriodStart, PeriodEnd) = BudgetPeriods.Current(period, now);
        Spent = 0;
        Reserved = 0;
        Generation++;
    }

    private static long Saturating(long value) => value < 0 ? long.MaxValue : value;
}
