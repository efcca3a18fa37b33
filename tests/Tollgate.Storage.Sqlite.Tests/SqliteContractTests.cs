using Tollgate.Accounts;
using Tollgate.Ledger;
using Tollgate.Testing.Storage;

namespace Tollgate.Storage.Sqlite.Tests;

public sealed class SqliteKeyStoreTests : KeyStoreContractTests, IDisposable
{
    private readonly TempDatabase _temp = new();

    protected override Task<AccountStores> CreateStoresAsync()
    {
        var database = _temp.Open(Guid.NewGuid().ToString("N") + ".db");
        return Task.FromResult(new AccountStores(new SqliteKeyStore(database), new SqliteTeamStore(database)));
    }

    public void Dispose() => _temp.Dispose();
}

public sealed class SqliteTeamStoreTests : TeamStoreContractTests, IDisposable
{
    private readonly TempDatabase _temp = new();

    protected override Task<ITeamStore> CreateStoreAsync() => Task.FromResult<ITeamStore>(new SqliteTeamStore(_temp.Open(Guid.NewGuid().ToString("N") + ".db")));

    public void Dispose() => _temp.Dispose();
}

public sealed class SqliteAuditLogTests : AuditLogContractTests, IDisposable
{
    private readonly TempDatabase _temp = new();

    protected override Task<IAuditLog> CreateLogAsync() => Task.FromResult<IAuditLog>(new SqliteAuditLog(_temp.Open(Guid.NewGuid().ToString("N") + ".db")));

    public void Dispose() => _temp.Dispose();
}

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
