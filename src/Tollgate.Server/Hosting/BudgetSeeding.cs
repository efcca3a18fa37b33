using Tollgate.Core.Budgets;
using Tollgate.Core.Keys;
using Tollgate.Core.Limits;
using Tollgate.Ledger;

namespace Tollgate.Server.Hosting;

/// <summary>
/// At start, after the account directory has loaded and before traffic: seeds every key, user and team budget with what its owner spent so far in the current period,
/// so a restart does not hand out a fresh budget.
/// </summary>
internal sealed partial class BudgetSeeding(
    AccountDirectory directory,
    ILimitCounters counters,
    TimeProvider time,
    ILogger<BudgetSeeding> logger,
    IUsageLedger? ledger = null) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (ledger is null)
        {
            return;
        }

        var snapshot = directory.Current;
        var owners = new List<BudgetOwner>();
        owners.AddRange(snapshot.Keys.Where(k => k.Budget is not null).Select(k => new BudgetOwner(LimitScopeKind.Key, k.Id, k.Budget!)));
        owners.AddRange(snapshot.Users.Where(u => u.Budget is not null).Select(u => new BudgetOwner(LimitScopeKind.User, u.Id, u.Budget!)));
        owners.AddRange(snapshot.Teams.Where(t => t.Budget is not null).Select(t => new BudgetOwner(LimitScopeKind.Team, t.Id, t.Budget!)));
        var seeded = await BudgetSeeder.SeedAsync(ledger, owners, counters, time, cancellationToken);
        LogSeeded(logger, seeded, owners.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Seeded} of {Owners} budgets from the ledger")]
    private static partial void LogSeeded(ILogger logger, int seeded, int owners);
}
