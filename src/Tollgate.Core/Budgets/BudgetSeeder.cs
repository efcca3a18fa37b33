using Tollgate.Core.Limits;
using Tollgate.Ledger;

namespace Tollgate.Core.Budgets;

/// <summary>
/// Fills the budget counters at start-up with each owner's spend so far in its current period, from the ledger, so a
/// restart does not hand out a fresh budget.
/// </summary>
/// <remarks>
/// 1. Work out each owner's current period start from the time provider.
/// 2. Group the owners by (kind, period start) and ask the ledger once per group for the spend grouped by key, user or
///    team since that start (a total budget reads from the beginning): at most 3 kinds x 4 periods = 12 queries.
/// 3. Seed each owner's counter with its group's row (zero when the ledger has none). A seed whose period has rolled
///    over meanwhile is dropped by the counters.
/// Run it before serving traffic: spend settled by requests during seeding would be replaced by the ledger's figure.
/// </remarks>
public static class BudgetSeeder
{
    /// <summary>Seeds <paramref name="counters"/>; returns how many owners were seeded.</summary>
    /// <exception cref="ArgumentException">An owner is of the model kind (models have no ledger grouping).</exception>
    public static async Task<int> SeedAsync(
        IUsageLedger ledger,
        IEnumerable<BudgetOwner> owners,
        ILimitCounters counters,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        // Step 1 and 2.
        var now = time.GetUtcNow();
        var groups = new Dictionary<(LimitScopeKind Kind, DateTimeOffset Start), List<BudgetOwner>>();
        foreach (var owner in owners)
        {
            if (owner.Kind == LimitScopeKind.Model)
            {
                throw new ArgumentException($"Budget owner '{owner.Id}' is a model; only keys, users and teams are seeded from the ledger.", nameof(owners));
            }

            var (start, _) = BudgetPeriods.Current(owner.Budget.Period, now);
            if (!groups.TryGetValue((owner.Kind, start), out var list))
            {
                list = [];
                groups[(owner.Kind, start)] = list;
            }

            list.Add(owner);
        }

        var seeded = 0;
        foreach (var ((kind, start), list) in groups)
        {
            var rows = await ledger.QuerySpendAsync(
                new SpendQuery
                {
                    GroupBy = kind switch
                    {
                        LimitScopeKind.Key => SpendGrouping.Key,
                        LimitScopeKind.User => SpendGrouping.User,
                        _ => SpendGrouping.Team,
                    },
                    From = start == DateTimeOffset.MinValue ? null : start,
                },
                cancellationToken);

            var spend = new Dictionary<string, long>(rows.Count, StringComparer.Ordinal);
            foreach (var row in rows)
            {
                spend[row.Group] = row.CostNanoDollars;
            }

            // Step 3.
            foreach (var owner in list)
            {
                if (counters.SeedBudget(owner.Kind, owner.Id, owner.Budget, start, spend.GetValueOrDefault(owner.Id)))
                {
                    seeded++;
                }
            }
        }

        return seeded;
    }
}
