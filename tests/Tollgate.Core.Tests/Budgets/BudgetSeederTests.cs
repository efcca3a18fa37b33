using Microsoft.Extensions.Time.Testing;
using Tollgate.Accounts;
using Tollgate.Core.Budgets;
using Tollgate.Core.Limits;
using Tollgate.Ledger;

namespace Tollgate.Core.Tests.Budgets;

public sealed class BudgetSeederTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 15, 0, 0, TimeSpan.Zero); // a Wednesday
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task SeedAsync_SumsEachOwnersSpendSinceItsPeriodStart()
    {
        var ledger = new FakeLedger(
        [
            Record("key_a", "user_a", "team_a", new DateTimeOffset(2026, 11, 25, 1, 0, 0, TimeSpan.Zero), 100), // today
            Record("key_a", "user_a", "team_a", new DateTimeOffset(2026, 11, 24, 1, 0, 0, TimeSpan.Zero), 200), // this week, this month
            Record("key_a", "user_a", "team_a", new DateTimeOffset(2026, 11, 2, 1, 0, 0, TimeSpan.Zero), 400), // this month
            Record("key_b", null, "team_a", new DateTimeOffset(2025, 1, 1, 1, 0, 0, TimeSpan.Zero), 800), // long ago
        ]);
        var counters = new InMemoryLimitCounters(new FakeTimeProvider(Now));
        BudgetOwner[] owners =
        [
            new(LimitScopeKind.Key, "key_a", new BudgetSpec(10_000, BudgetPeriod.Daily)),
            new(LimitScopeKind.Key, "key_b", new BudgetSpec(10_000, BudgetPeriod.Total)),
            new(LimitScopeKind.User, "user_a", new BudgetSpec(10_000, BudgetPeriod.Weekly)),
            new(LimitScopeKind.Team, "team_a", new BudgetSpec(10_000, BudgetPeriod.Monthly)),
            new(LimitScopeKind.Team, "team_idle", new BudgetSpec(10_000, BudgetPeriod.Monthly)),
        ];

        var seeded = await BudgetSeeder.SeedAsync(ledger, owners, counters, new FakeTimeProvider(Now), CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(5, seeded);
        Assert.Equal(100, counters.GetStatus(LimitScopeKind.Key, "key_a")!.Value.SpentNanoDollars);
        Assert.Equal(800, counters.GetStatus(LimitScopeKind.Key, "key_b")!.Value.SpentNanoDollars);
        Assert.Equal(300, counters.GetStatus(LimitScopeKind.User, "user_a")!.Value.SpentNanoDollars);
        Assert.Equal(700, counters.GetStatus(LimitScopeKind.Team, "team_a")!.Value.SpentNanoDollars);
        Assert.Equal(0, counters.GetStatus(LimitScopeKind.Team, "team_idle")!.Value.SpentNanoDollars);

        // One query per (kind, period start): key daily, key total, user weekly, team monthly.
        Assert.Equal(4, ledger.Queries.Count);
        Assert.Contains(ledger.Queries, q => q.GroupBy == SpendGrouping.Key && q.From is null);
        Assert.Contains(ledger.Queries, q => q.GroupBy == SpendGrouping.User && q.From == new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task SeedAsync_SeededSpend_BindsTheNextAdmission()
    {
        var ledger = new FakeLedger([Record("key_a", null, null, Now.AddHours(-1), 9_500)]);
        var counters = new InMemoryLimitCounters(new FakeTimeProvider(Now));
        var budget = new BudgetSpec(10_000, BudgetPeriod.Monthly);

        await BudgetSeeder.SeedAsync(ledger, [new BudgetOwner(LimitScopeKind.Key, "key_a", budget)], counters, new FakeTimeProvider(Now), CancellationToken.None).WaitAsync(Timeout);

        var key = new LimitScope(LimitScopeKind.Key, "key_a", LimitSpec.None, budget);
        var refused = new LimitAdmission(counters).TryAdmit(new AdmissionRequest([key], 10, 600)).Refusal;
        Assert.NotNull(refused);
        Assert.Equal(500, refused.Remaining);
    }

    [Fact]
    public void SeedBudget_ForAPeriodThatHasEnded_IsIgnored()
    {
        var counters = new InMemoryLimitCounters(new FakeTimeProvider(Now));

        var applied = counters.SeedBudget(LimitScopeKind.Key, "key_a", new BudgetSpec(1_000, BudgetPeriod.Daily), Now.Date.AddDays(-1), 900);

        Assert.False(applied);
        Assert.Equal(0, counters.GetStatus(LimitScopeKind.Key, "key_a")!.Value.SpentNanoDollars);
    }

    private static LedgerRecord Record(string key, string? user, string? team, DateTimeOffset time, long cost) => new()
    {
        RequestId = Guid.NewGuid().ToString("N"),
        Time = time,
        KeyId = key,
        UserId = user,
        TeamId = team,
        Operation = "chat",
        RequestedModel = "gpt-4o",
        CostNanoDollars = cost,
    };

    private sealed class FakeLedger(IReadOnlyList<LedgerRecord> records) : IUsageLedger
    {
        public List<SpendQuery> Queries { get; } = [];

        public Task AppendAsync(IReadOnlyList<LedgerRecord> records, CancellationToken cancellationToken) => throw new NotSupportedException("The seeder only reads.");

        public Task<IReadOnlyList<SpendRow>> QuerySpendAsync(SpendQuery query, CancellationToken cancellationToken)
        {
            Queries.Add(query);
            IReadOnlyList<SpendRow> rows = [.. records
                .Where(r => (query.From is null || r.Time >= query.From) && (query.To is null || r.Time < query.To))
                .GroupBy(r => query.GroupBy switch
                {
                    SpendGrouping.Key => r.KeyId,
                    SpendGrouping.User => r.UserId ?? string.Empty,
                    _ => r.TeamId ?? string.Empty,
                })
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new SpendRow { Group = g.Key, Requests = g.Count(), CostNanoDollars = g.Sum(r => r.CostNanoDollars ?? 0) })];
            return Task.FromResult(rows);
        }

        public Task<LedgerRecord?> FindAsync(string requestId, CancellationToken cancellationToken) =>
            Task.FromResult(records.FirstOrDefault(r => r.RequestId == requestId));

        public Task<long> CountAsync(CancellationToken cancellationToken) => Task.FromResult((long)records.Count);
    }
}
