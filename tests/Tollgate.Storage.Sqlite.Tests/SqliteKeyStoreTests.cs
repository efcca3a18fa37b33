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
