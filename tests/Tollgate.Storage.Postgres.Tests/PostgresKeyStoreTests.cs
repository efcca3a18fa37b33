using Tollgate.Testing.Storage;

namespace Tollgate.Storage.Postgres.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresKeyStoreTests(PostgresFixture fixture) : KeyStoreContractTests
{
    protected override async Task<AccountStores> CreateStoresAsync()
    {
        var database = await fixture.OpenNewAsync();
        return new AccountStores(new PostgresKeyStore(database), new PostgresTeamStore(database));
    }
}
