using Tollgate.Accounts;
using Tollgate.Testing.Storage;

namespace Tollgate.Storage.Sqlite.Tests;

public sealed class SqliteAuditLogTests : AuditLogContractTests, IDisposable
{
    private readonly TempDatabase _temp = new();

    protected override Task<IAuditLog> CreateLogAsync() => Task.FromResult<IAuditLog>(new SqliteAuditLog(_temp.Open(Guid.NewGuid().ToString("N") + ".db")));

    public void Dispose() => _temp.Dispose();
}
