using Microsoft.Extensions.DependencyInjection;
using Tollgate.Accounts;
using Tollgate.Ledger;
using Tollgate.Testing.Storage;

namespace Tollgate.Storage.Sqlite.Tests;

public sealed class SqliteStorageExtensionsTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task AddSqliteStorage_RegistersAllFourStoresAsSingletonsOverOneFile()
    {
        var path = Path.Combine(_temp.Directory, "data", "tollgate.db");
        var provider = new ServiceCollection().AddSqliteStorage(path).BuildServiceProvider();
        await using (provider)
        {
            var keys = provider.GetRequiredService<IKeyStore>();
            Assert.Same(keys, provider.GetRequiredService<IKeyStore>());
            Assert.IsType<SqliteTeamStore>(provider.GetRequiredService<ITeamStore>());
            Assert.IsType<SqliteAuditLog>(provider.GetRequiredService<IAuditLog>());
            var ledger = provider.GetRequiredService<IUsageLedger>();

            await keys.InsertKeyAsync(KeyStoreContractTests.NewKey("key_1"), CancellationToken.None).WaitAsync(Timeout);
            await ledger.AppendAsync([UsageLedgerContractTests.Record("req_1", UsageLedgerContractTests.Day1)], CancellationToken.None).WaitAsync(Timeout);

            Assert.Equal(path, provider.GetRequiredService<SqliteDatabase>().Path);
            Assert.True(File.Exists(path));
            Assert.Equal(1, await ledger.CountAsync(CancellationToken.None).WaitAsync(Timeout));
        }
    }
}
