using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Tollgate.Ledger;
using Tollgate.Testing.Storage;

namespace Tollgate.Storage.Sqlite.Tests;

public sealed class SqliteDatabaseTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    private static async Task<object?> ScalarAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task Initialize_NewFile_IsWalAtLatestVersion()
    {
        var database = _temp.Open();

        await database.InitializeAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal("wal", await ScalarAsync(database.Path, "PRAGMA journal_mode;"));
        Assert.Equal((long)SqliteSchema.LatestVersion, await ScalarAsync(database.Path, "SELECT MAX(version) FROM schema_version;"));
    }

    [Fact]
    public async Task Initialize_RunTwiceAndReopened_AppliesEachMigrationOnceAndKeepsData()
    {
        var first = _temp.Open();
        var ledger = new SqliteUsageLedger(first);
        await ledger.AppendAsync([UsageLedgerContractTests.Record("req_1", UsageLedgerContractTests.Day1)], CancellationToken.None).WaitAsync(Timeout);
        await first.InitializeAsync(CancellationToken.None).WaitAsync(Timeout);
        ledger.Dispose();
        first.Dispose();

        var second = _temp.Open();
        await second.InitializeAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal((long)SqliteSchema.Migrations.Count, await ScalarAsync(second.Path, "SELECT COUNT(*) FROM schema_version;"));
        Assert.Equal(1L, await new SqliteUsageLedger(second).CountAsync(CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Initialize_NewerSchema_FailsNamingTheVersion()
    {
        var database = _temp.Open();
        await database.InitializeAsync(CancellationToken.None).WaitAsync(Timeout);
        await ScalarAsync(database.Path, "INSERT INTO schema_version (version, applied_at) VALUES (999, 0);");
        database.Dispose();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => _temp.Open().InitializeAsync(CancellationToken.None).WaitAsync(Timeout));

        Assert.Contains("999", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_PathIsADirectory_FailsCleanly()
    {
        var directory = Path.Combine(_temp.Directory, "is-a-directory.db");
        Directory.CreateDirectory(directory);
        var database = new SqliteDatabase(directory);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => database.InitializeAsync(CancellationToken.None).WaitAsync(Timeout));

        Assert.Contains(directory, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_NotADatabase_FailsCleanly()
    {
        var path = Path.Combine(_temp.Directory, "garbage.db");
        await File.WriteAllTextAsync(path, new string('x', 4096));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => new SqliteDatabase(path).InitializeAsync(CancellationToken.None).WaitAsync(Timeout));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_FileLockedByAnotherConnection_FailsAfterTheBusyTimeoutThenRecovers()
    {
        var database = _temp.Open(busyTimeout: TimeSpan.FromMilliseconds(300));
        var ledger = new SqliteUsageLedger(database);
        await database.InitializeAsync(CancellationToken.None).WaitAsync(Timeout);
        var record = UsageLedgerContractTests.Record("req_1", UsageLedgerContractTests.Day1);

        // Another process's writer, as far as this database knows: a separate connection holding the write lock.
        await using (var other = new SqliteConnection($"Data Source={database.Path};Pooling=False"))
        {
            await other.OpenAsync();
            using var begin = other.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync();

            var watch = Stopwatch.StartNew();
            var ex = await Assert.ThrowsAsync<SqliteException>(() => ledger.AppendAsync([record], CancellationToken.None).WaitAsync(Timeout));
            Assert.Equal(5, ex.SqliteErrorCode); // SQLITE_BUSY
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"Took {watch.Elapsed}.");
        }

        await ledger.AppendAsync([record], CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(1, await ledger.CountAsync(CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Append_ConcurrentWritersOnTwoHandles_StoreEveryRecordOnce()
    {
        // Two handles on one file behave like two processes: they share no write gate, only SQLite's lock.
        var a = new SqliteUsageLedger(_temp.Open());
        var b = new SqliteUsageLedger(_temp.Open());
        var audit = new SqliteAuditLog(_temp.Open());

        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var ledger = w % 2 == 0 ? a : b;
            for (var i = 0; i < 20; i++)
            {
                // Overlapping ids between writers: each must be stored exactly once.
                var batch = Enumerable.Range(0, 50).Select(n => UsageLedgerContractTests.Record($"req_{(w / 2)}_{i}_{n}", UsageLedgerContractTests.Day1)).ToList();
                await ledger.AppendAsync(batch, CancellationToken.None);
            }
        }));
        var auditor = Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await audit.AppendAsync(new Accounts.AuditEntry { Id = $"aud_{i}", Time = UsageLedgerContractTests.Day1, ActorKeyId = "master", Action = "key.create", TargetType = "key", Status = 201 }, CancellationToken.None);
            }
        });

        await Task.WhenAll([.. writers, auditor]).WaitAsync(Timeout);

        Assert.Equal(4 * 20 * 50, await a.CountAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(50, (await audit.QueryAsync(new Accounts.AuditQuery { Limit = 1000 }, CancellationToken.None).WaitAsync(Timeout)).Count);
        a.Dispose();
        b.Dispose();
    }

    public static TheoryData<SpendGrouping, string> FilteredQueries()
    {
        var data = new TheoryData<SpendGrouping, string>();
        foreach (var grouping in Enum.GetValues<SpendGrouping>())
        {
            foreach (var filter in new[] { "time", "team", "key", "user" })
            {
                data.Add(grouping, filter);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FilteredQueries))]
    public async Task QuerySpend_WithFromAndAnyFilter_SearchesAnIndexRatherThanScanning(SpendGrouping grouping, string filter)
    {
        var database = _temp.Open();
        await database.InitializeAsync(CancellationToken.None).WaitAsync(Timeout);
        var query = new SpendQuery
        {
            GroupBy = grouping,
            From = UsageLedgerContractTests.Day1,
            To = UsageLedgerContractTests.Day1.AddDays(1),
            TeamId = filter == "team" ? "team_1" : null,
            KeyId = filter == "key" ? "key_1" : null,
            UserId = filter == "user" ? "user_1" : null,
        };

        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteUsageLedger.BuildSpendSql(query, command.Parameters);
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }

        var expected = filter == "time" ? "ledger_time" : $"ledger_{filter}_time";
        Assert.Contains(plan, step => step.StartsWith("SEARCH ledger USING INDEX " + expected, StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN ledger", StringComparison.Ordinal));
    }
}
