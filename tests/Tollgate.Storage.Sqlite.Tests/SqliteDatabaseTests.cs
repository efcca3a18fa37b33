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

    [Fact]
    public async Task Initialize_VersionTwoLedger_MigratesEveryRowKeepingIdsAndIdempotence()
    {
        // A file as version 2 left it: text request ids, Tollgate-made and not.
        var path = Path.Combine(_temp.Directory, "v2.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL);"
                + SqliteSchema.Migrations[0].Sql + SqliteSchema.Migrations[1].Sql + """
                INSERT INTO schema_version VALUES (1, 0), (2, 0);
                INSERT INTO ledger (request_id, time, key_id, team_id, operation, requested_model, stream, input_tokens,
                    cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_nanos, latency_ms, status, tags)
                VALUES
                    ('req_0193a0b1c2d37e4f8a9b0c1d2e3f4a5b', 1795000000000, 'key_1', 'team_1', 'chat', 'gpt-4o', 0, 10, 0, 0, 5, 0, 7, 1.5, 200, '["prod"]'),
                    ('req_0193A0B1C2D37E4F8A9B0C1D2E3F4A5B', 1795000000001, 'key_1', NULL, 'chat', 'gpt-4o', 1, 10, 0, 0, 5, 0, 11, 1.5, 200, '[]'),
                    ('client-id-1', 1795000000002, 'key_2', NULL, 'chat', 'gpt-4o', 0, 10, 0, 0, 5, 0, 13, 1.5, 200, '[]');
                """;
            await create.ExecuteNonQueryAsync();
        }

        var database = _temp.Open("v2.db");
        await database.InitializeAsync(CancellationToken.None).WaitAsync(Timeout);
        using var ledger = new SqliteUsageLedger(database);

        Assert.Equal((long)SqliteSchema.LatestVersion, await ScalarAsync(path, "SELECT MAX(version) FROM schema_version;"));
        Assert.Equal("blob", await ScalarAsync(path, "SELECT typeof(request_id) FROM ledger WHERE seq = 1;"));
        Assert.Equal("text", await ScalarAsync(path, "SELECT typeof(request_id) FROM ledger WHERE seq = 2;"));
        var v7 = await ledger.FindAsync("req_0193a0b1c2d37e4f8a9b0c1d2e3f4a5b", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(("req_0193a0b1c2d37e4f8a9b0c1d2e3f4a5b", "team_1", 7L), (v7!.RequestId, v7.TeamId, v7.CostNanoDollars));
        Assert.Equal(["prod"], v7.Tags);
        Assert.Equal(11, (await ledger.FindAsync("req_0193A0B1C2D37E4F8A9B0C1D2E3F4A5B", CancellationToken.None).WaitAsync(Timeout))!.CostNanoDollars);
        Assert.Equal(13, (await ledger.FindAsync("client-id-1", CancellationToken.None).WaitAsync(Timeout))!.CostNanoDollars);

        // A record stored before the upgrade and replayed after it (a spill file) is still recognised.
        var replayed = UsageLedgerContractTests.Record("req_0193a0b1c2d37e4f8a9b0c1d2e3f4a5b", UsageLedgerContractTests.Day1, cost: 999);
        await ledger.AppendAsync([replayed, replayed with { RequestId = "client-id-1" }], CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(3, await ledger.CountAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(7, (await ledger.FindAsync("req_0193a0b1c2d37e4f8a9b0c1d2e3f4a5b", CancellationToken.None).WaitAsync(Timeout))!.CostNanoDollars);
    }

    [Theory]
    [InlineData("req_0193a0b1c2d37e4f8a9b0c1d2e3f4a5b", "blob")]
    [InlineData("req_0193A0B1C2D37E4F8A9B0C1D2E3F4A5B", "text")]
    [InlineData("req_0193a0b1c2d37e4f8a9b0c1d2e3f4a5", "text")]
    [InlineData("req_0193a0b1c2d37e4f8a9b0c1d2e3f4a5bc", "text")]
    [InlineData("rq_00193a0b1c2d37e4f8a9b0c1d2e3f4a5b", "text")]
    [InlineData("req_0193a0b1c2d37e4f8a9b0c1d2e3f4a5g", "text")]
    [InlineData("", "text")]
    public async Task Append_RequestId_StoredInItsFormAndReadBackExactly(string id, string storedAs)
    {
        var database = _temp.Open();
        using var ledger = new SqliteUsageLedger(database);
        var record = UsageLedgerContractTests.Record(id, UsageLedgerContractTests.Day1);

        await ledger.AppendAsync([record, record], CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(storedAs, await ScalarAsync(database.Path, "SELECT typeof(request_id) FROM ledger;"));
        Assert.Equal(1, await ledger.CountAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(id, (await ledger.FindAsync(id, CancellationToken.None).WaitAsync(Timeout))?.RequestId);
    }

    [Fact]
    public async Task Append_DuplicatesNearAndFarApartInABatch_EachIdStoredOnceKeepingTheFirst()
    {
        var database = _temp.Open();
        using var ledger = new SqliteUsageLedger(database);
        const int rows = 50;

        // Repeats close to the first copy and far from it; then the whole batch again (a retried batch).
        var ids = Enumerable.Range(0, (2 * rows) + 7).Select(i => $"req_{i}").ToArray();
        ids[12] = "req_3";
        ids[rows + 1] = "req_4";
        ids[(2 * rows) + 2] = "req_5";
        var records = ids.Select((id, i) => UsageLedgerContractTests.Record(id, UsageLedgerContractTests.Day1, cost: i)).ToList();

        await ledger.AppendAsync(records, CancellationToken.None).WaitAsync(Timeout);
        await ledger.AppendAsync(records, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(ids.Distinct().Count(), await ledger.CountAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal((2 * rows) + 4, ids.Distinct().Count());
        foreach (var id in new[] { "req_3", "req_4", "req_5" })
        {
            Assert.Equal(Array.IndexOf(ids, id), (await ledger.FindAsync(id, CancellationToken.None).WaitAsync(Timeout))!.CostNanoDollars);
        }

        Assert.Equal((2 * rows) + 6, (await ledger.FindAsync($"req_{(2 * rows) + 6}", CancellationToken.None).WaitAsync(Timeout))!.CostNanoDollars);
    }

    [Fact]
    public async Task Append_TagsChangeBetweenRecords_EachRecordKeepsItsOwn()
    {
        var database = _temp.Open();
        using var ledger = new SqliteUsageLedger(database);
        List<string> mutable = ["a"];
        var records = new[]
        {
            UsageLedgerContractTests.Record("req_1", UsageLedgerContractTests.Day1) with { Tags = ["prod"] },
            UsageLedgerContractTests.Record("req_2", UsageLedgerContractTests.Day1) with { Tags = ["prod"] },
            UsageLedgerContractTests.Record("req_3", UsageLedgerContractTests.Day1) with { Tags = ["prod", "x"] },
            UsageLedgerContractTests.Record("req_4", UsageLedgerContractTests.Day1),
            UsageLedgerContractTests.Record("req_5", UsageLedgerContractTests.Day1) with { Tags = mutable },
        };
        await ledger.AppendAsync(records[..5], CancellationToken.None).WaitAsync(Timeout);
        mutable[0] = "b";
        await ledger.AppendAsync([UsageLedgerContractTests.Record("req_6", UsageLedgerContractTests.Day1) with { Tags = mutable }], CancellationToken.None).WaitAsync(Timeout);

        string[][] expected = [["prod"], ["prod"], ["prod", "x"], [], ["a"], ["b"]];
        for (var i = 0; i < expected.Length; i++)
        {
            var found = await ledger.FindAsync($"req_{i + 1}", CancellationToken.None).WaitAsync(Timeout);
            Assert.Equal(expected[i], found!.Tags);
        }
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

        // Key and user filters have no index of their own since migration 3 (no report Tollgate runs uses them): with a
        // time range they search the time index.
        var expected = filter == "team" ? "ledger_team_time" : "ledger_time";
        Assert.Contains(plan, step => step.StartsWith("SEARCH ledger USING INDEX " + expected, StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN ledger", StringComparison.Ordinal));
    }
}
