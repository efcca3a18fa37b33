using Tollgate.Accounts;
using Tollgate.Testing.Storage;

namespace Tollgate.Storage.Postgres.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresAuditLogTests(PostgresFixture fixture) : AuditLogContractTests
{
    protected override async Task<IAuditLog> CreateLogAsync() => new PostgresAuditLog(await fixture.OpenNewAsync());
}
