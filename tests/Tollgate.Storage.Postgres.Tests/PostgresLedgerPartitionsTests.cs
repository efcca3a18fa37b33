using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tollgate.Ledger;
using Tollgate.Testing.Storage;

namespace Tollgate.Storage.Postgres.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresLedgerPartitionsTests(PostgresFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Now = new(2026, 11, 15, 10, 0, 0, TimeSpan.Zero);

    private static LedgerRecord At(string id, int year, int month, int day = 5) =>
        UsageLedgerContractTests.Record(id, new DateTimeOffset(year, month, day, 12, 0, 0, TimeSpan.Zero));

    private static async Task<Dictionary<string, long>> RowsPerPartitionAsync(PostgresDatabase database)
    {
        var rows = await PostgresSql.ColumnAsync(database.Options.ConnectionString,
            "SELECT tableoid::regclass::text || '=' || count(*) FROM ledger GROUP BY tableoid ORDER BY 1;");
        return rows.Select(r => r.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Append_BatchSpanningMonths_LandsInEachMonthsPartitionCreatingMissingOnes()
    {
        var database = await fixture.OpenNewAsync(time: new FakeTimeProvider(Now));
        await using var ledger = new PostgresUsageLedger(database);

        await ledger.AppendAsync([At("r1", 2020, 3), At("r2", 2026, 11), At("r3", 2026, 11, 30), At("r4", 2027, 6), At("r5", 2020, 3, 31)], CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(
            new Dictionary<string, long> { ["ledger_p202003"] = 2, ["ledger_p202611"] = 2, ["ledger_p202706"] = 1 },
            await RowsPerPartitionAsync(database));
        Assert.Equal(At("r1", 2020, 3).Time, (await ledger.FindAsync("r1", CancellationToken.None).WaitAsync(Timeout))!.Time);
    }

    [Fact]
    public async Task DropExpired_DropsOnlyPartitionsWhollyOlderThanTheRetention()
    {
        // 400 days before 2026-11-15 10:00 is 2025-10-11 10:00: September 2025 ends before it, October 2025 after.
        var database = await fixture.OpenNewAsync(retention: TimeSpan.FromDays(400), time: new FakeTimeProvider(Now));
        await using var ledger = new PostgresUsageLedger(database);
        await ledger.AppendAsync([At("old_1", 2025, 9, 1), At("old_2", 2025, 9, 30), At("edge", 2025, 10, 1), At("new", 2026, 11)], CancellationToken.None).WaitAsync(Timeout);

        var dropped = await database.Partitions.DropExpiredAsync(Now, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(["ledger_p202509"], dropped);
        Assert.Equal(2, await ledger.CountAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.Null(await ledger.FindAsync("old_1", CancellationToken.None).WaitAsync(Timeout));
        Assert.NotNull(await ledger.FindAsync("edge", CancellationToken.None).WaitAsync(Timeout));
        Assert.DoesNotContain("ledger_p202509", (await database.Partitions.ListAsync(CancellationToken.None).WaitAsync(Timeout)).Select(p => p.Name));
        Assert.Empty(await database.Partitions.DropExpiredAsync(Now, CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task DropExpired_NoRetention_KeepsEverything()
    {
        var database = await fixture.OpenNewAsync(time: new FakeTimeProvider(Now));
        await using var ledger = new PostgresUsageLedger(database);
        await ledger.AppendAsync([At("ancient", 2001, 1)], CancellationToken.None).WaitAsync(Timeout);

        Assert.Empty(await database.Partitions.DropExpiredAsync(Now.AddYears(50), CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(1, await ledger.CountAsync(CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Append_AfterAnotherInstanceDroppedTheCachedPartition_RecreatesItAndStores()
    {
        var writer = await fixture.OpenNewAsync(time: new FakeTimeProvider(Now));
        await using var ledger = new PostgresUsageLedger(writer);
        await ledger.AppendAsync([At("jan_1", 2026, 1)], CancellationToken.None).WaitAsync(Timeout);

        // Another instance with a 30-day retention drops January; this one still believes the partition exists.
        await using var other = new PostgresDatabase(writer.Options with { LedgerRetention = TimeSpan.FromDays(30) });
        Assert.Contains("ledger_p202601", await other.Partitions.DropExpiredAsync(Now, CancellationToken.None).WaitAsync(Timeout));

        await ledger.AppendAsync([At("jan_2", 2026, 1)], CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(1, await ledger.CountAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.NotNull(await ledger.FindAsync("jan_2", CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Maintenance_RunOnce_CreatesPartitionsAheadOfNowAndDropsExpiredOnes()
    {
        var database = await fixture.OpenNewAsync(retention: TimeSpan.FromDays(31), time: new FakeTimeProvider(Now));
        await database.InitializeAsync(CancellationToken.None).WaitAsync(Timeout);
        var maintenance = new PostgresLedgerMaintenance(database, NullLogger<PostgresLedgerMaintenance>.Instance);

        // Three months on: November 2026 is past the 31 days, February to April 2027 are made.
        await maintenance.RunOnceAsync(new DateTimeOffset(2027, 2, 10, 0, 0, 0, TimeSpan.Zero), CancellationToken.None).WaitAsync(Timeout);

        var names = (await database.Partitions.ListAsync(CancellationToken.None).WaitAsync(Timeout)).Select(p => p.Name).ToList();
        Assert.Equal(["ledger_p202701", "ledger_p202702", "ledger_p202703", "ledger_p202704"], names);
    }

    [Fact]
    public async Task DropExpired_LedgerHeldByALongReport_GivesUpAfterTheLockTimeoutWithoutBlockingAppends()
    {
        var database = await fixture.OpenNewAsync(retention: TimeSpan.FromDays(30), time: new FakeTimeProvider(Now));
        await using var ledger = new PostgresUsageLedger(database);
        await ledger.AppendAsync([At("old", 2026, 1), At("new", 2026, 11)], CancellationToken.None).WaitAsync(Timeout);
        await using var impatient = new PostgresDatabase(database.Options with { PartitionLockTimeout = TimeSpan.FromMilliseconds(300) }, new FakeTimeProvider(Now));

        // A report in flight: its transaction holds the ledger's partitions in ACCESS SHARE mode until it ends.
        await using (var report = new Npgsql.NpgsqlConnection(database.Options.ConnectionString))
        {
            await report.OpenAsync();
            await using var transaction = await report.BeginTransactionAsync();
            await using (var read = new Npgsql.NpgsqlCommand("SELECT count(*) FROM ledger;", report, transaction))
            {
                Assert.Equal(2L, await read.ExecuteScalarAsync());
            }

            var watch = System.Diagnostics.Stopwatch.StartNew();
            var ex = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => impatient.Partitions.DropExpiredAsync(Now, CancellationToken.None).WaitAsync(Timeout));
            Assert.Equal(Npgsql.PostgresErrorCodes.LockNotAvailable, ex.SqlState);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"Took {watch.Elapsed}.");

            // The drop gave up and released its place in the lock queue: appends go on.
            await ledger.AppendAsync([At("during", 2026, 11)], CancellationToken.None).WaitAsync(Timeout);
        }

        Assert.Equal(["ledger_p202601"], await impatient.Partitions.DropExpiredAsync(Now, CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(2, await ledger.CountAsync(CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public void NameFor_UsesTheUtcMonth()
    {
        Assert.Equal("ledger_p202612", PostgresLedgerPartitions.NameFor(new DateTimeOffset(2027, 1, 1, 0, 30, 0, TimeSpan.FromHours(1))));
        Assert.Equal("ledger_p202701", PostgresLedgerPartitions.NameFor(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }
}
