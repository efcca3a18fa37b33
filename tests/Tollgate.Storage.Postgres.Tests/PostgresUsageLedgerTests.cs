using Tollgate.Ledger;
using Tollgate.Testing.Storage;

namespace Tollgate.Storage.Postgres.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresUsageLedgerTests(PostgresFixture fixture) : UsageLedgerContractTests, IAsyncLifetime
{
    private readonly List<PostgresUsageLedger> _ledgers = [];

    protected override async Task<IUsageLedger> CreateLedgerAsync()
    {
        var ledger = new PostgresUsageLedger(await fixture.OpenNewAsync());
        _ledgers.Add(ledger);
        return ledger;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var ledger in _ledgers)
        {
            await ledger.DisposeAsync();
        }
    }
}
