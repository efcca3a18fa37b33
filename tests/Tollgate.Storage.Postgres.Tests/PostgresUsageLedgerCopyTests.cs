using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Tollgate.Ledger;
using Tollgate.Testing.Storage;

namespace Tollgate.Storage.Postgres.Tests;

/// <summary>The PostgreSQL ledger beyond the contract: COPY batches, idempotency under concurrency, and query plans.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresUsageLedgerCopyTests(PostgresFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Day1 = UsageLedgerContractTests.Day1;

    private static List<LedgerRecord> Batch(string prefix, int count, int first = 0) =>
        [.. Enumerable.Range(first, count).Select(i => UsageLedgerContractTests.Record($"{prefix}_{i}", Day1.AddSeconds(i), cost: i))];

    [Fact]
    public async Task Append_SameBatchTwiceAndAnOverlappingOne_StoresEachRecordOnce()
    {
        await using var ledger = new PostgresUsageLedger(await fixture.OpenNewAsync());
        var batch = Batch("req", 1_000);

        await ledger.AppendAsync(batch, CancellationToken.None).WaitAsync(Timeout);
        await ledger.AppendAsync(batch, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(1_000, await ledger.CountAsync(CancellationToken.None).WaitAsync(Timeout));

        await ledger.AppendAsync(Batch("req", 1_000, first: 500), CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(1_500, await ledger.CountAsync(CancellationToken.None).WaitAsync(Timeout));
        var total = Assert.Single(await ledger.QuerySpendAsync(new SpendQuery { GroupBy = SpendGrouping.Key }, CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(Enumerable.Range(0, 1_500).Sum(i => (long)i), total.CostNanoDollars);
    }

    [Fact]
    public async Task Append_ConcurrentInstancesWithOverlappingIds_StoreEachRecordOnce()
    {
        // Two handles behave like two Tollgate instances: separate pools, append connections and partition caches.
        var a = await fixture.OpenNewAsync();
        await using var b = new PostgresDatabase(a.Options);
        await using var ledgerA = new PostgresUsageLedger(a);
        await using var ledgerB = new PostgresUsageLedger(b);

        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var ledger = w % 2 == 0 ? ledgerA : ledgerB;
            for (var i = 0; i < 10; i++)
            {
                // Writers w and w+1 share ids: each id must be stored once.
                await ledger.AppendAsync(Batch($"w{w / 2}_b{i}", 200), CancellationToken.None);
            }
        }));

        await Task.WhenAll(writers).WaitAsync(Timeout);

        Assert.Equal(3 * 10 * 200, await ledgerA.CountAsync(CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Append_Cancelled_StoresNothingAndTheNextAppendWorks()
    {
        await using var ledger = new PostgresUsageLedger(await fixture.OpenNewAsync());
        await ledger.AppendAsync(Batch("warm", 1), CancellationToken.None).WaitAsync(Timeout);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ledger.AppendAsync(Batch("req", 100), new CancellationToken(canceled: true)).WaitAsync(Timeout));
        await ledger.AppendAsync(Batch("req", 100, first: 50), CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(101, await ledger.CountAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.Null(await ledger.FindAsync("req_0", CancellationToken.None).WaitAsync(Timeout));
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
    public async Task QuerySpend_WithinAMonthAndAnyFilter_ReadsOnePartitionThroughTheMatchingIndex(SpendGrouping grouping, string filter)
    {
        // One day for a time-only report; most of November for a team, key or user (where the time index alone
        // would read most of the partition, and the filter's own index reads only that owner's rows).
        var connectionString = await PlanDatabase.GetAsync(fixture);
        var query = new SpendQuery
        {
            GroupBy = grouping,
            From = filter == "time" ? Day1 : new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero),
            To = filter == "time" ? Day1.AddDays(1) : new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero),
            TeamId = filter == "team" ? "team_1" : null,
            KeyId = filter == "key" ? "key_1" : null,
            UserId = filter == "user" ? "user_1" : null,
        };

        var plan = await ExplainAsync(connectionString, query);

        // Partition indexes are named after the partition and the columns: ledger_p202611_team_id_time_idx.
        var index = filter == "time" ? "ledger_p202611_time_idx" : $"ledger_p202611_{filter}_id_time_idx";
        Assert.True(plan.Contains(index, StringComparison.Ordinal), plan);
        Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("ledger_p202612", plan, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SpendGrouping.Key)]
    [InlineData(SpendGrouping.User)]
    [InlineData(SpendGrouping.Team)]
    public async Task QuerySpend_BudgetSeedingOfADailyBudget_ReadsTodayThroughTheTimeIndex(SpendGrouping grouping)
    {
        // BudgetSeeder asks for spend since the period's start, grouped by owner, with no other filter.
        var connectionString = await PlanDatabase.GetAsync(fixture);

        var plan = await ExplainAsync(connectionString, new SpendQuery { GroupBy = grouping, From = new DateTimeOffset(2026, 12, 31, 0, 0, 0, TimeSpan.Zero) });

        // January's partition, made ahead and still empty, may be scanned: that reads nothing.
        Assert.True(plan.Contains("ledger_p202612_time_idx", StringComparison.Ordinal), plan);
        Assert.DoesNotContain("Seq Scan on ledger_p202612", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("ledger_p202611", plan, StringComparison.Ordinal);
    }

    private static async Task<string> ExplainAsync(string connectionString, SpendQuery query)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand { Connection = connection };
        command.CommandText = "EXPLAIN " + PostgresUsageLedger.BuildSpendSql(query, command.Parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }

    /// <summary>
    /// One analysed database for the plan tests: 40,000 records over November and December 2026 (two partitions),
    /// 100 keys, 20 teams and 200 users, a third of the records with no team and a third with no user.
    /// </summary>
    private static class PlanDatabase
    {
        private static readonly SemaphoreSlim Gate = new(1, 1);
        private static string? _connectionString;

        public static async Task<string> GetAsync(PostgresFixture fixture)
        {
            await Gate.WaitAsync(Timeout);
            try
            {
                if (_connectionString is null)
                {
                    var database = await fixture.OpenNewAsync(time: new FakeTimeProvider(Day1));
                    await using var ledger = new PostgresUsageLedger(database);
                    var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
                    var span = TimeSpan.FromDays(61).Ticks;
                    for (var b = 0; b < 8; b++)
                    {
                        var batch = Enumerable.Range(b * 5_000, 5_000).Select(i => UsageLedgerContractTests.Record(
                            $"req_{i}",
                            start.AddTicks(span / 40_000 * i),
                            key: $"key_{i % 100}",
                            user: i % 3 == 0 ? null : $"user_{i % 200}",
                            team: i % 3 == 1 ? null : $"team_{i % 20}")).ToList();
                        await ledger.AppendAsync(batch, CancellationToken.None).WaitAsync(Timeout);
                    }

                    await PostgresSql.ScalarAsync(database.Options.ConnectionString, "ANALYZE ledger;");
                    _connectionString = database.Options.ConnectionString;
                }

                return _connectionString;
            }
            finally
            {
                Gate.Release();
            }
        }
    }
}
