using Tollgate.Accounts;
using Tollgate.Testing.Storage;

namespace Tollgate.Storage.Postgres.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresTeamStoreTests(PostgresFixture fixture) : TeamStoreContractTests
{
    protected override async Task<ITeamStore> CreateStoreAsync() => new PostgresTeamStore(await fixture.OpenNewAsync());
}
