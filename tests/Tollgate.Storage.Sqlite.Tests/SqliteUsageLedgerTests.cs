using Tollgate.Ledger;
using Tollgate.Testing.Storage;

namespace Tollgate.Storage.Sqlite.Tests;

public sealed class SqliteUsageLedgerTests : UsageLedgerContractTests, IDisposable
{
    private readonly TempDatabase _temp = new();
    private readonly List<SqliteUsageLedger> _ledgers = [];

    protected override Task<IUsageLedger> CreateLedgerAsync()
    {
        var ledger = new SqliteUsageLedger(_temp.Open(Guid.NewGuid().ToString("N") + ".db"));
        _ledgers.Add(ledger);
        return Task.FromResult<IUsageLedger>(ledger);
    }

    public void Dispose()
    {
        foreach (var ledger in _ledgers)
        {
            ledger.Dispose();
        }

        _temp.Dispose();
    }
}
