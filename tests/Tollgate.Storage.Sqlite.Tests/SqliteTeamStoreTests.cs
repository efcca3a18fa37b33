using Tollgate.Accounts;
using Tollgate.Testing.Storage;

namespace Tollgate.Storage.Sqlite.Tests;

public sealed class SqliteTeamStoreTests : TeamStoreContractTests, IDisposable
{
    private readonly TempDatabase _temp = new();

    protected override Task<ITeamStore> CreateStoreAsync() => Task.FromResult<ITeamStore>(new SqliteTeamStore(_temp.Open(Guid.NewGuid().ToString("N") + ".db")));

    public void Dispose() => _temp.Dispose();
}
